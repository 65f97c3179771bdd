"""Nobody publishes pages from the page editor: content reaches the public only as a reviewed
edition (workflow.services.publish). Administrators keep add/change on the catalogue."""

from django.db import migrations

from textbooks import roles

WITHDRAWN = ["publish_page"]


def forwards(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name__in=roles.ALL_ROLES, permission__codename__in=WITHDRAWN
    ).delete()


def backwards(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    catalogue = Page.objects.get(path="000100010001")
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    for group in Group.objects.filter(name__in=roles.ADMIN_ROLES):
        GroupPagePermission.objects.get_or_create(group=group, page=catalogue, permission=publish)


class Migration(migrations.Migration):
    dependencies = [("textbooks", "0003_textbook_province")]
    operations = [migrations.RunPython(forwards, backwards)]
