"""Names' transliteration keys for search in any script, with trigram indexes on
PostgreSQL (pg_trgm) for close misspellings. SQLite has no trigram index: it searches by
the keys alone."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from core.names import name_key

INDEXES = {
    "prisoners_prisoner_name_key_trgm": "prisoners_prisoner",
    "prisoners_alternativename_name_key_trgm": "prisoners_alternativename",
}


def fill_keys(apps, schema_editor):
    Prisoner = apps.get_model("prisoners", "Prisoner")
    AlternativeName = apps.get_model("prisoners", "AlternativeName")
    for prisoner in Prisoner.objects.only("given_name", "patronymic", "family_name"):
        key = name_key(prisoner.given_name, prisoner.patronymic, prisoner.family_name)
        Prisoner.objects.filter(pk=prisoner.pk).update(name_key=key)
    for spelling in AlternativeName.objects.only("name"):
        AlternativeName.objects.filter(pk=spelling.pk).update(name_key=name_key(spelling.name))


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (name_key gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("prisoners", "0005_published_by_name_index"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="alternativename",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.AddField(
            model_name="prisoner",
            name="name_key",
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
