# ruff: noqa: RUF012  (Django migrations declare class-level lists)
from django.conf import settings
from django.db import migrations, models

# PostgreSQL refuses UPDATE and DELETE of audit rows in the database itself (SR-4: append-only).
POSTGRES_GUARD = """
CREATE OR REPLACE FUNCTION zhengan_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only / 稽核紀錄僅能新增';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER zhengan_audit_no_update BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION zhengan_audit_append_only();
"""
POSTGRES_UNGUARD = """
DROP TRIGGER IF EXISTS zhengan_audit_no_update ON audit_auditevent;
DROP FUNCTION IF EXISTS zhengan_audit_append_only();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_GUARD)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNGUARD)


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default="0" * 64, max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(unique=True)),
                ("at", models.DateTimeField()),
                ("username", models.CharField(blank=True, max_length=150)),
                ("source_ip", models.GenericIPAddressField(null=True)),
                ("event_type", models.CharField(db_index=True, max_length=64)),
                ("object_type", models.CharField(blank=True, max_length=64)),
                ("object_id", models.CharField(blank=True, max_length=128)),
                ("before", models.JSONField(null=True)),
                ("after", models.JSONField(null=True)),
                ("detail", models.JSONField(default=dict)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ("seq",)},
        ),
        migrations.RunPython(guard, unguard),
    ]
