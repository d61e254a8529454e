"""``samspar worker``: the background worker that runs imports (and any other queued
task). It is django-tasks-db's ``db_worker`` under the product's own name, with the
same options (docs/deployment.md, section 6)."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run the background worker: imports started on the pages (django-tasks-db)."
