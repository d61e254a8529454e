"""A new version of each shipped value set whose values changed.

0002 loads ``data/standard_values.json`` once and skips price years that exist, so
a corrected shipped set (here: the lönestöd ceiling ``wage_subsidy_ceiling``, the
caseworker hours graded D with their sources, studiemedel and etableringsersättning
2026 at their real amounts, each 2026 source saying whether it is uprated) must not
change the version evaluations already use. Per price year this compares the newest
shipped version with the JSON and, when any value differs (key, amount, unit, grade
or source), adds version + 1 based on it. A fresh database, where 0002 has just
loaded the same JSON, gets no second version.
"""

from decimal import Decimal

from django.db import migrations


def _rows(values):
    return {
        v.key: (Decimal(str(v.amount)).quantize(Decimal("0.0001")), v.unit, v.grade, v.source)
        for v in values
    }


def add_changed_versions(apps, schema_editor):
    from samspar.economics.defaults import shipped_sets

    value_set = apps.get_model("economics", "StandardValueSet")
    value = apps.get_model("economics", "StandardValue")
    for shipped in shipped_sets().values():
        wanted = {
            v.key: (Decimal(str(v.amount)).quantize(Decimal("0.0001")), v.unit, v.grade.value, v.source)
            for v in shipped.values
        }
        newest = (
            value_set.objects.filter(forbund=None, price_year=shipped.price_year)
            .order_by("-version")
            .first()
        )
        if newest is not None and _rows(newest.values.all()) == wanted:
            continue
        created = value_set.objects.create(
            price_year=shipped.price_year,
            version=newest.version + 1 if newest else 1,
            name=shipped.name,
            based_on=newest,
        )
        value.objects.bulk_create(
            value(
                value_set=created,
                key=v.key,
                amount=v.amount,
                unit=v.unit,
                grade=v.grade.value,
                source=v.source,
            )
            for v in shipped.values
        )


class Migration(migrations.Migration):
    dependencies = [("economics", "0009_discounting")]
    operations = [migrations.RunPython(add_changed_versions, migrations.RunPython.noop)]
