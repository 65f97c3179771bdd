"""The catalogue index page under the home page, and the role groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from textbooks import roles

CATALOGUE_PATH = "000100010001"

# (app_label, codename) model permissions per role; page permissions are separate below.
MODEL_PERMISSIONS = {
    roles.AUTHOR: [
        ("wagtailadmin", "access_admin"),
        ("textbooks", "view_textbook"),
        ("media", "add_mediaasset"),
        ("media", "change_mediaasset"),
        ("media", "view_mediaasset"),
    ],
    roles.REVIEWER: [("wagtailadmin", "access_admin"), ("textbooks", "view_textbook")],
    roles.POLITICAL_REVIEWER: [("wagtailadmin", "access_admin"), ("textbooks", "view_textbook")],
    roles.SELECTION_COMMITTEE: [
        ("wagtailadmin", "access_admin"),
        ("textbooks", "view_textbook"),
        ("textbooks", "view_course"),
        ("textbooks", "view_major"),
    ],
    roles.PROVINCIAL_ADMIN: [
        ("wagtailadmin", "access_admin"),
        ("textbooks", "edit_any_textbook"),
        ("textbooks", "add_textbook"),
        ("textbooks", "change_textbook"),
        ("textbooks", "view_textbook"),
        ("textbooks", "add_course"),
        ("textbooks", "change_course"),
        ("textbooks", "view_course"),
        ("textbooks", "add_institution"),
        ("textbooks", "change_institution"),
        ("textbooks", "view_institution"),
        ("textbooks", "view_major"),
        ("media", "add_mediaasset"),
        ("media", "change_mediaasset"),
        ("media", "view_mediaasset"),
    ],
}
MODEL_PERMISSIONS[roles.NATIONAL_ADMIN] = MODEL_PERMISSIONS[roles.PROVINCIAL_ADMIN] + [
    ("textbooks", "delete_textbook"),
    ("textbooks", "delete_course"),
    ("textbooks", "delete_institution"),
    ("textbooks", "add_major"),
    ("textbooks", "change_major"),
    ("textbooks", "delete_major"),
    ("media", "delete_mediaasset"),
]

# Page permissions on the catalogue subtree. Authors are narrowed further to the textbooks
# they write (textbooks.models.pages.AuthorScopedPermissionTester); nobody but
# administrators publishes.
PAGE_PERMISSIONS = {  # publish_page is withdrawn again by 0004
    roles.AUTHOR: ["add_page", "change_page"],
    roles.PROVINCIAL_ADMIN: ["add_page", "change_page", "publish_page"],
    roles.NATIONAL_ADMIN: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Images for figures: authors and administrators upload and choose them.
IMAGE_COLLECTION_PERMISSIONS = ["add_image", "choose_image"]
IMAGE_ROLES = [roles.AUTHOR, roles.PROVINCIAL_ADMIN, roles.NATIONAL_ADMIN]


def forwards(apps, schema_editor):
    # Permissions are normally created after migrate; the groups below need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    CatalogueIndexPage = apps.get_model("textbooks.CatalogueIndexPage")

    home = Page.objects.get(path="00010001")
    catalogue_ct, _ = ContentType.objects.get_or_create(
        app_label="textbooks", model="catalogueindexpage"
    )
    catalogue = CatalogueIndexPage.objects.create(
        title="教材目录",
        draft_title="教材目录",
        slug="textbooks",
        content_type=catalogue_ct,
        path=CATALOGUE_PATH,
        depth=3,
        numchild=0,
        url_path="/home/textbooks/",
        live=True,
        locale_id=home.locale_id,
    )
    home.numchild += 1
    home.save(update_fields=["numchild"])

    # Wagtail's stock groups publish anywhere in the tree, which would bypass review.
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()

    page_ct = ContentType.objects.get(app_label="wagtailcore", model="page")
    root_collection = Collection.objects.get(depth=1)
    image_ct = ContentType.objects.get(app_label="wagtailimages", model="image")
    for name in roles.ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in MODEL_PERMISSIONS[name]:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        for codename in PAGE_PERMISSIONS.get(name, []):
            GroupPagePermission.objects.get_or_create(
                group=group,
                page_id=catalogue.pk,
                permission=Permission.objects.get(content_type=page_ct, codename=codename),
            )
        if name in IMAGE_ROLES:
            for codename in IMAGE_COLLECTION_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=Permission.objects.get(content_type=image_ct, codename=codename),
                )


def backwards(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=roles.ALL_ROLES).delete()
    apps.get_model("textbooks.CatalogueIndexPage").objects.filter(path=CATALOGUE_PATH).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("textbooks", "0001_initial"),
        ("cms", "0002_create_homepage"),
        ("media", "0002_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
