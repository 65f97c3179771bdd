"""EditionArchive now belongs to workflow (its 0004 takes over the table as it is)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0003_assets_checksums_short_links_archives"),
        ("workflow", "0004_edition_archive_from_media"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EditionArchive")],
            database_operations=[],
        ),
    ]
