from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("economics", "0005_mapping_rows_and_profiles")]

    operations = [
        migrations.RemoveField(model_name="evaluation", name="mapping"),
        migrations.AddConstraint(
            model_name='evaluation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('method', 'individuals'), _negated=True), ('registry_as_of__isnull', False), _connector='OR'), name='evaluation_individuals_have_profiles', violation_error_message='An evaluation of registered individuals records when it read the registry.'),
        ),
    ]
