from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    # Replace Wagtail's placeholder "Welcome" page with ours.
    page_ct = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_ct, slug="home", depth=2).delete()
    homepage_ct, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    homepage = HomePage.objects.create(
        title="职业教育教材",
        draft_title="职业教育教材",
        slug="home",
        content_type=homepage_ct,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=Locale.objects.order_by("pk").first(),
    )
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=homepage, is_default_site=True,
        site_name="职业教育教材全生命周期管理",
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0001_initial")]
    operations = [migrations.RunPython(create_homepage, remove_homepage)]
