from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "samspar.access"
    verbose_name = _("Access and audit")

    def ready(self) -> None:
        from samspar.access import signals  # noqa: F401  (connects the security log)
