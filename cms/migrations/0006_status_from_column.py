from django.db import migrations


def drop_status_ids(apps, schema_editor):
    """The status facet is now read from status_rank: drop its ids from facet_ids."""
    CatalogueEntry = apps.get_model("cms", "CatalogueEntry")
    CatalogueFacet = apps.get_model("cms", "CatalogueFacet")
    status_ids = set(CatalogueFacet.objects.filter(facet="status").values_list("pk", flat=True))
    if not status_ids:
        return
    entries = list(CatalogueEntry.objects.only("pk", "facet_ids"))
    for entry in entries:
        entry.facet_ids = [i for i in entry.facet_ids if i not in status_ids]
    CatalogueEntry.objects.bulk_update(entries, ["facet_ids"], batch_size=1000)
    CatalogueFacet.objects.filter(pk__in=status_ids).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0005_catalogue_entry_storage")]

    operations = [migrations.RunPython(drop_status_ids, migrations.RunPython.noop)]
