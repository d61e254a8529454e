"""Evaluations of individuals keep their population (one keyed token per participant
and registered situation), so that a new one that differs from them by a few is
refused (docs/economics.md, "Small groups"). Those made before are given the
population the registry holds now for their insats and period, every history version
included: the registry as it was when they were read is not kept."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from samspar.economics import selectors

    enrolment_model = apps.get_model("registry", "Enrolment")
    for name in ("Evaluation", "HistoricalEvaluation"):
        model = apps.get_model("economics", name)
        for row in model.objects.filter(method="individuals", insats__isnull=False):
            if row.period_start is None or row.period_end is None:
                continue
            row.population = selectors.registry_population(
                # a migration: every enrolment, explicitly, by its historical model
                enrolment_model.objects.all(),
                row.insats_id,
                row.period_start,
                row.period_end,
            )
            model.objects.filter(pk=row.pk).update(population=row.population)


class Migration(migrations.Migration):
    dependencies = [
        ("economics", "0011_cost_basis_and_subsidy_ceiling"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluation",
            name="population",
            field=models.JSONField(
                blank=True, default=list, verbose_name="population from the registry"
            ),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="population",
            field=models.JSONField(
                blank=True, default=list, verbose_name="population from the registry"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
