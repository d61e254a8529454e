"""Names move from Person to Enrolment (#9.3): each enrolment keeps the names its insats
registered, with history, so a registration in one insats never renames the person in
another. Existing names are copied to every enrolment of the person and to every history
record of those enrolments, so the history shows no false change."""

from typing import Any

from django.conf import settings
from django.db import migrations, models


def copy_names(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("registry", "Person")
    Enrolment = apps.get_model("registry", "Enrolment")
    HistoricalEnrolment = apps.get_model("registry", "HistoricalEnrolment")
    for person in Person.objects.only("first_name", "last_name").iterator():
        names = {"first_name": person.first_name, "last_name": person.last_name}
        Enrolment.objects.filter(person_id=person.pk).update(**names)
        HistoricalEnrolment.objects.filter(person_id=person.pk).update(**names)


class Migration(migrations.Migration):
    dependencies = [
        ("codelists", "0004_load_supply_payer"),
        ("organisation", "0003_forbund_threshold_bounds"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="first_name",
            field=models.CharField(default="", max_length=100, verbose_name="first name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="enrolment",
            name="last_name",
            field=models.CharField(default="", max_length=100, verbose_name="last name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalenrolment",
            name="first_name",
            field=models.CharField(default="", max_length=100, verbose_name="first name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalenrolment",
            name="last_name",
            field=models.CharField(default="", max_length=100, verbose_name="last name"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["pk"], "verbose_name": "person", "verbose_name_plural": "persons"},
        ),
        migrations.RemoveIndex(model_name="person", name="registry_pe_last_na_08a557_idx"),
        migrations.RemoveField(model_name="person", name="first_name"),
        migrations.RemoveField(model_name="person", name="last_name"),
        migrations.AddIndex(
            model_name="enrolment",
            index=models.Index(
                fields=["insats", "last_name", "first_name"], name="registry_en_insats__ea6781_idx"
            ),
        ),
    ]
