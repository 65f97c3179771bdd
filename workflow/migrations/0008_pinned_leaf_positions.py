"""A pinned leaf's position is now its place in the textbook as submitted (a removed leaf's:
its place in the current edition), and publishing orders the edition from the pins instead of
the page tree. Open cases were pinned with positions counted among their changed leaves only;
give them the order they would have been published in until now (the page tree's), so that
nothing already under review moves."""

from django.db import migrations

OPEN = ["submitted", "in_review", "resubmit_requested", "approved"]


def place_open_pins(apps, schema_editor):
    ReviewCase = apps.get_model("workflow", "ReviewCase")
    EditionLeaf = apps.get_model("workflow", "EditionLeaf")
    Page = apps.get_model("wagtailcore", "Page")
    for case in ReviewCase.objects.filter(state__in=OPEN):
        previous = dict(
            EditionLeaf.objects.filter(
                edition__textbook_id=case.textbook_id, edition__is_current=True
            ).values_list("page_id", "position")
        )
        pins = list(case.pinned_revisions.all())
        staying = (set(previous) | {pin.page_id for pin in pins}) - {
            pin.page_id for pin in pins if pin.change_type == "removed"
        }
        order = list(
            Page.objects.filter(pk__in=staying).order_by("path").values_list("pk", flat=True)
        )
        for pin in pins:
            pin.position = (
                previous[pin.page_id] if pin.change_type == "removed" else order.index(pin.page_id)
            )
            pin.save(update_fields=["position"])


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0007_private_review_documents"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(place_open_pins, migrations.RunPython.noop)]
