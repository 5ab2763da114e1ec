"""On PostgreSQL (production) the audit log refuses UPDATE and DELETE in the database itself,
not only in Django, so a raw query or a database shell cannot quietly rewrite history.

The embedded SQLite database (local try-out, tests) relies on the model guard only: SQLite
has no TRUNCATE, so a database-level trigger there would also block Django's own `flush`.
"""

from django.db import migrations

POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;",
    "DROP FUNCTION IF EXISTS core_auditentry_append_only();",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_areas_audit_keys")]
    operations = [migrations.RunPython(forwards, backwards)]
