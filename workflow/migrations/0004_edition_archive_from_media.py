"""EditionArchive moves from the media app to workflow, which writes archives when it
publishes. The table keeps its name (media_editionarchive) and its rows; only Django's
state and the content type's app label move, so existing databases lose nothing."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label="media", model="editionarchive").first()
    if old is None:
        return  # a new database: post_migrate creates the workflow content type
    if ContentType.objects.filter(app_label="workflow", model="editionarchive").exists():
        old.delete()
    else:
        old.app_label = "workflow"
        old.save(update_fields=["app_label"])


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="workflow", model="editionarchive").update(
        app_label="media"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("media", "0003_assets_checksums_short_links_archives"),
        ("textbooks", "0004_publish_only_through_review"),
        ("workflow", "0003_errata"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EditionArchive",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("version", models.CharField(max_length=20, verbose_name="版次")),
                        ("prefix", models.CharField(max_length=255, unique=True, verbose_name="存储前缀")),
                        ("manifest", models.JSONField(default=dict, verbose_name="清单")),
                        ("checksum", models.CharField(blank=True, max_length=64, verbose_name="总校验和")),
                        ("completed_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("textbook", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="edition_archives", to="textbooks.textbook", verbose_name="教材")),
                    ],
                    options={
                        "verbose_name": "版次归档",
                        "verbose_name_plural": "版次归档",
                        "db_table": "media_editionarchive",
                        "constraints": [models.UniqueConstraint(fields=("textbook", "version"), name="edition_archive_unique_version")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
