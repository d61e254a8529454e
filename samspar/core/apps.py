from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samspar.core"

    def ready(self) -> None:
        from django.core import checks

        from samspar.core import lookups  # noqa: F401  (registers the lookup)
        from samspar.core.crypto import check_field_key

        checks.register(check_field_key)
