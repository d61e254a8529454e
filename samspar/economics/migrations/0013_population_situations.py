"""Population tokens keep a keyed hash of the registered situation as well
("‹id›-‹hmac›-‹situation hmac›"), so that each shown situation can be compared as a
population of its own (docs/economics.md, "Small groups"). Those saved before are given
the tokens of the registry as it is now for their insats and period, every history
version included, as 0012 did: the registry as it was when they were read is not kept."""

from django.db import migrations


def forwards(apps, schema_editor):
    from samspar.economics import selectors

    enrolment_model = apps.get_model("registry", "Enrolment")
    for name in ("Evaluation", "HistoricalEvaluation"):
        model = apps.get_model("economics", name)
        for row in model.objects.filter(method="individuals", insats__isnull=False):
            if row.period_start is None or row.period_end is None:
                continue
            population = selectors.registry_population(
                # a migration: every enrolment, explicitly, by its historical model
                enrolment_model.objects.all(),
                row.insats_id,
                row.period_start,
                row.period_end,
            )
            model.objects.filter(pk=row.pk).update(population=population)


class Migration(migrations.Migration):
    dependencies = [
        ("economics", "0012_evaluation_population"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
