from django.db import migrations

# Wagtail's root page, listed (not chosen) at the top of every page chooser, is titled "Root".
CHINESE, ENGLISH = "根页面", "Root"


def rename(apps, title, new_title):
    apps.get_model("wagtailcore.Page").objects.filter(depth=1, title=title).update(
        title=new_title, draft_title=new_title
    )


class Migration(migrations.Migration):
    dependencies = [("cms", "0009_update_subscriptions"), ("wagtailcore", "0098_apitoken")]
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename(apps, ENGLISH, CHINESE),
            lambda apps, schema_editor: rename(apps, CHINESE, ENGLISH),
        )
    ]
