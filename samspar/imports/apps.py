from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "samspar.imports"
    label = "imports"
    verbose_name = "Import"

    def ready(self) -> None:
        # The task queue's own admin pages are not Samspår's: an import's report is on
        # its page, and the queue holds only run ids.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
