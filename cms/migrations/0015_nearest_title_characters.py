from django.db import migrations

# PostgreSQL only: the characters of each title, for the titles a search that found nothing
# suggests (PostgresFullText.near_candidates; benchmarks/README.md).
CREATE = (
    "CREATE INDEX catalogue_entry_title_characters ON cms_catalogueentry "
    "USING gin (string_to_array(lower(title), NULL))"
)
DROP = "DROP INDEX catalogue_entry_title_characters"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0014_catalogue_term_gaps"),
    ]

    operations = [migrations.RunPython(create, drop)]
