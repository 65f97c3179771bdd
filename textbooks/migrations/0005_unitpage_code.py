"""Leaf codes (textbooks.leaf_codes): every existing leaf gets one, in book order within its
textbook, as if it had just been added; from now on leaves get theirs when created."""

from django.db import migrations, models

from textbooks.leaf_codes import new_code

STEPLEN = 4  # Wagtail's tree path: four characters per level


def fill_codes(apps, schema_editor):
    UnitPage = apps.get_model("textbooks", "UnitPage")
    taken_by_textbook = {}
    for leaf in UnitPage.objects.order_by("path").only("path", "number", "code"):
        taken = taken_by_textbook.setdefault(leaf.path[:-STEPLEN], set())
        leaf.code = new_code(leaf.number, taken)
        taken.add(leaf.code)
        leaf.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("textbooks", "0004_publish_only_through_review")]

    operations = [
        migrations.AddField(
            model_name="unitpage",
            name="code",
            field=models.CharField(
                blank=True, editable=False, max_length=20, verbose_name="活页代码"
            ),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
    ]
