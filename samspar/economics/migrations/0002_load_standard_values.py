from django.db import migrations


def load(apps, schema_editor):
    from samspar.economics.defaults import shipped_sets

    value_set = apps.get_model("economics", "StandardValueSet")
    value = apps.get_model("economics", "StandardValue")
    for shipped in shipped_sets().values():
        if value_set.objects.filter(forbund=None, price_year=shipped.price_year).exists():
            continue
        created = value_set.objects.create(price_year=shipped.price_year, version=1, name=shipped.name)
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
    dependencies = [("economics", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
