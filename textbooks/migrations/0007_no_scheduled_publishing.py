"""Textbook pages and leaves go live only as a reviewed edition, at once (textbooks.publication):
drop any go-live or expiry date they carry, so that ``publish_scheduled`` never publishes or
unpublishes one of them."""

from django.db import migrations


def drop_schedules(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    types = ContentType.objects.filter(
        app_label="textbooks", model__in=["textbookpage", "unitpage"]
    )
    Page.objects.filter(content_type__in=types).exclude(
        go_live_at__isnull=True, expire_at__isnull=True
    ).update(go_live_at=None, expire_at=None)
    Revision.objects.filter(content_type__in=types, approved_go_live_at__isnull=False).update(
        approved_go_live_at=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("textbooks", "0006_media_block_asset_chooser"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(drop_schedules, migrations.RunPython.noop)]
