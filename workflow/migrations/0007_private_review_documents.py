"""Review documents (usage-tracking report, change comparison table) move to private storage
(STORAGES["private"]: outside MEDIA_ROOT on disk, private objects on S3), where only the
workflow:document view hands them out. The stored names stay as they are; each file is copied
to private storage, then deleted from the public default storage.

Not atomic, and safe to run again: a file already in private storage is not copied again, so
a run interrupted (storage down) continues where it stopped when `migrate` runs once more. A
document missing from both storages is reported and left alone.
"""

import logging

from django.core.files.storage import storages
from django.db import migrations, models

import media.storage

logger = logging.getLogger(__name__)


def _document_names(apps):
    ReviewCase = apps.get_model("workflow", "ReviewCase")
    names = set()
    for usage_report, change_table in ReviewCase.objects.values_list(
        "usage_report", "change_table"
    ).iterator():
        names.update(name for name in (usage_report, change_table) if name)
    return sorted(names)


def _move(apps, source, target):
    for name in _document_names(apps):
        if not target.exists(name):
            if not source.exists(name):
                logger.warning("review document %s is in neither storage; left alone", name)
                continue
            with source.open(name, "rb") as handle:
                target.save(name, handle)
        if source.exists(name):
            source.delete(name)


def to_private(apps, schema_editor):
    _move(apps, storages["default"], storages["private"])


def to_public(apps, schema_editor):
    _move(apps, storages["private"], storages["default"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("workflow", "0006_pin_existing_assets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewcase",
            name="change_table",
            field=models.FileField(blank=True, storage=media.storage.private_storage, upload_to="review-documents/%Y/%m/", verbose_name="修订内容对照表"),
        ),
        migrations.AlterField(
            model_name="reviewcase",
            name="usage_report",
            field=models.FileField(blank=True, storage=media.storage.private_storage, upload_to="review-documents/%Y/%m/", verbose_name="使用跟踪报告"),
        ),
        migrations.RunPython(to_private, to_public),
    ]
