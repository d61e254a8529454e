# The copies of 0009 are required from now on: every enrolment is made with them
# (Enrolment.take_person_facts).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_enrolment_person_facts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enrolment",
            name="person_gender",
            field=models.CharField(
                choices=[("K", "Woman"), ("M", "Man")],
                editable=False,
                max_length=1,
                verbose_name="legal gender",
            ),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="person_birth_date",
            field=models.DateField(editable=False, verbose_name="birth date"),
        ),
    ]
