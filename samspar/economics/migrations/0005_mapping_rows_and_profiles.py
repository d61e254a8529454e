"""Evaluations of individuals made before the mapping table and the profiles: their
mapping (the old JSON, over the defaults) becomes rows, the registry is read once into
profiles, and every evaluation gets a first history record."""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    from samspar.economics import selectors

    evaluation_model = apps.get_model("economics", "Evaluation")
    row_model = apps.get_model("economics", "MappingRow")
    reason_model = apps.get_model("codelists", "EndReason")
    enrolment_model = apps.get_model("registry", "Enrolment")
    now = timezone.now()
    reasons = list(reason_model.objects.exclude(result_group="cancelled"))
    for evaluation in evaluation_model.objects.filter(method="individuals"):
        old = evaluation.mapping or {}
        factors = old.get("resource_factor", {})
        for reason in reasons:
            entry = selectors.default_entry(reason)
            extent, subsidy = entry.work_extent, entry.wage_subsidy
            if reason.result_group == "work" and "work_extent" in old:
                extent = Decimal(str(old["work_extent"]))
            if reason.code == "arbete-med-stod" and "supported_wage_subsidy" in old:
                subsidy = Decimal(str(old["supported_wage_subsidy"]))
            factor = Decimal(str(factors.get(reason.result_group, entry.resource_factor)))
            row_model.objects.create(
                evaluation=evaluation,
                end_reason=reason,
                work_extent=extent,
                wage_subsidy=subsidy,
                resource_factor=factor,
            )
        evaluation.profiles = [
            p.as_json()
            for p in selectors.registry_profiles(
                # a migration: every enrolment, explicitly, by its historical model
                enrolment_model.objects.all(),
                evaluation.insats_id,
                evaluation.period_start,
                evaluation.period_end,
            )
        ]
        evaluation.registry_as_of = now
        evaluation.save(update_fields=["profiles", "registry_as_of"])
    _first_history(apps, "Evaluation", now)
    _first_history(apps, "TypeCaseGroup", now)
    _first_history(apps, "MappingRow", now)


def _first_history(apps, name, now):
    """A "created" history record per existing row, as it is now."""
    model = apps.get_model("economics", name)
    historical = apps.get_model("economics", f"Historical{name}")
    fields = [f.attname for f in historical._meta.fields if not f.name.startswith("history_")]
    historical.objects.bulk_create(
        historical(
            **{f: getattr(row, f) for f in fields},
            history_date=getattr(row, "created_at", now),
            history_type="+",
        )
        for row in model.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("economics", "0004_mapping_profiles_history"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
