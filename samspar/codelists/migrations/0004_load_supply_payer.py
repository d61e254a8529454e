from django.db import migrations

from samspar.codelists.loading import load_codelists


class Migration(migrations.Migration):
    dependencies = [("codelists", "0003_supply_payer")]
    operations = [migrations.RunPython(load_codelists, migrations.RunPython.noop)]
