from django.db import migrations

from samspar.codelists.loading import load_counties_and_municipalities


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(load_counties_and_municipalities, migrations.RunPython.noop)]
