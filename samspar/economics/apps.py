from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomicsConfig(AppConfig):
    name = "samspar.economics"
    verbose_name = _("Socio-economic evaluation")
