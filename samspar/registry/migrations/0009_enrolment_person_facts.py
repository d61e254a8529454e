# Each enrolment gets a copy of its person's legal gender and birth date (both from the
# personnummer, never changed), so the reports count by them without joining the person
# table (docs/performance.md). Added empty and copied in one statement; 0010 makes them
# required (a migration of its own: PostgreSQL alters no table with pending trigger events).

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_person_facts(apps, schema_editor):
    Enrolment = apps.get_model("registry", "Enrolment")
    Person = apps.get_model("registry", "Person")
    person = Person._base_manager.filter(pk=OuterRef("person_id"))
    Enrolment._base_manager.update(
        person_gender=Subquery(person.values("gender")[:1]),
        person_birth_date=Subquery(person.values("birth_date")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_own_questions"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="person_gender",
            field=models.CharField(
                choices=[("K", "Woman"), ("M", "Man")],
                editable=False,
                max_length=1,
                null=True,
                verbose_name="legal gender",
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="person_birth_date",
            field=models.DateField(editable=False, null=True, verbose_name="birth date"),
        ),
        migrations.RunPython(copy_person_facts, migrations.RunPython.noop, elidable=False),
    ]
