"""On PostgreSQL the database itself refuses to change or delete access-log rows.

A row-level trigger raises on every UPDATE and on every DELETE unless the transaction
has set ``samspar.access_log_wipe`` to 'on' (``samspar.access.wipe.allow``, DEBUG only,
for ``samspar demo --reset``). SQLite has no such setting; there the models refuse.
"""

from django.db import migrations

TABLES = ("access_accesslog", "access_accesslogperson")

FUNCTION = """
CREATE OR REPLACE FUNCTION samspar_access_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('samspar.access_log_wipe', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The access log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION samspar_access_log_append_only()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS samspar_access_log_append_only()")


class Migration(migrations.Migration):
    dependencies = [("access", "0003_access_log_persons_and_dpo")]

    operations = [migrations.RunPython(create, drop)]
