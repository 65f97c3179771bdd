from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ADMINS = ["省级教材管理员", "国家级教材管理员"]  # textbooks.roles' group names, as stored
ACTIONS = ["add", "change", "delete", "view"]


def grant_membership_permissions(apps, schema_editor):
    """Whoever keeps institutions keeps their members and roles."""
    app_config = apps.get_app_config("textbooks")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    permissions = Permission.objects.filter(
        content_type__app_label="textbooks",
        codename__in=[f"{action}_membership" for action in ACTIONS],
    )
    for group in Group.objects.filter(name__in=ADMINS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    """Institution.members gets a through model with a role. The through model takes over the
    plain many-to-many's table (state only), then the role column is added."""

    dependencies = [
        ("textbooks", "0008_institution_code_and_textbook_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "institution",
                            models.ForeignKey(
                                on_delete=models.deletion.CASCADE,
                                related_name="memberships",
                                to="textbooks.institution",
                                verbose_name="单位",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="人员",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "单位成员",
                        "verbose_name_plural": "单位成员",
                        "db_table": "textbooks_institution_members",
                        "ordering": ["institution", "role", "user"],
                        "unique_together": {("institution", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="institution",
                    name="members",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="所属人员；审核回避规则据此判断",
                        related_name="institutions",
                        through="textbooks.Membership",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="成员",
                    ),
                ),
            ]
        ),
        migrations.AddField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("committee", "选用委员会委员"),
                    ("teacher", "教师"),
                    ("staff", "工作人员"),
                    ("engineer", "工程技术人员"),
                ],
                default="staff",
                max_length=20,
                verbose_name="职责",
            ),
        ),
        migrations.RunPython(grant_membership_permissions, migrations.RunPython.noop),
    ]
