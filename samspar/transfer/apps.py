from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "samspar.transfer"
    verbose_name = _("Export and transfer")
