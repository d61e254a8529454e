from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samspar.core"

    def ready(self) -> None:
        from samspar.core import lookups  # noqa: F401  (registers the lookup)
