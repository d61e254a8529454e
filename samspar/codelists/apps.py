from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodelistsConfig(AppConfig):
    name = "samspar.codelists"
    verbose_name = _("Code lists")
