from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "samspar.imports"
    label = "imports"
    verbose_name = "Import"
