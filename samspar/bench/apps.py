from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "samspar.bench"
