"""Pin the assets of editions and open cases made before assets were pinned (best effort).

An edition takes each asset its leaves show from its archive's manifest when a complete
archive lists it (the bytes and title published then), else from the asset row as it is now
(the archive was never written: the row is the best record left). A case under review or
approved takes its assets from the rows, as submitting does. Skipped, so that they show as
"资源不可用" rather than reach readers unreviewed: assets whose row no longer exists, and
assets of another textbook.
"""

import json

from django.db import migrations

OPEN_STATES = ["submitted", "in_review", "resubmit_requested", "approved"]
COPIED = ["key", "sha256", "size", "content_type", "title", "kind"]


def asset_ids(revision):
    body = revision.content.get("body", "[]")
    if isinstance(body, str):
        body = json.loads(body or "[]")
    return [
        int(block["value"]["asset"])
        for block in body or []
        if block.get("type") == "media_resource" and block.get("value", {}).get("asset")
    ]


def from_row(asset):
    return {
        "key": asset.file.name,
        "sha256": asset.sha256,
        "size": asset.size,
        "content_type": asset.content_type,
        "title": asset.title,
        "kind": asset.kind,
    }


def own_assets(apps, textbook_id, revisions):
    MediaAsset = apps.get_model("media", "MediaAsset")
    ids = {asset_id for revision in revisions for asset_id in asset_ids(revision)}
    rows = MediaAsset.objects.in_bulk(ids)
    return [asset for asset in rows.values() if asset.textbook_id == textbook_id]


def pin_existing_assets(apps, schema_editor):
    Edition = apps.get_model("workflow", "Edition")
    EditionArchive = apps.get_model("workflow", "EditionArchive")
    EditionAsset = apps.get_model("workflow", "EditionAsset")
    PinnedAsset = apps.get_model("workflow", "PinnedAsset")
    ReviewCase = apps.get_model("workflow", "ReviewCase")

    for edition in Edition.objects.filter(assets__isnull=True):
        version = f"{edition.major}.{edition.minor}"
        archive = EditionArchive.objects.filter(
            textbook_id=edition.textbook_id, version=version, completed_at__isnull=False
        ).first()
        archived = {e["id"]: e for e in (archive.manifest.get("assets", []) if archive else [])}
        revisions = [row.revision for row in edition.leaves.select_related("revision")]
        EditionAsset.objects.bulk_create(
            EditionAsset(
                edition=edition,
                asset=asset,
                **(
                    {name: archived[asset.pk][name] for name in COPIED}
                    if asset.pk in archived
                    else from_row(asset)
                ),
            )
            for asset in own_assets(apps, edition.textbook_id, revisions)
        )

    for case in ReviewCase.objects.filter(state__in=OPEN_STATES, pinned_assets__isnull=True):
        current = Edition.objects.filter(textbook_id=case.textbook_id, is_current=True).first()
        shown = (
            {row.page_id: row.revision for row in current.leaves.select_related("revision")}
            if current
            else {}
        )
        for pin in case.pinned_revisions.select_related("revision"):
            if pin.change_type == "removed":
                shown.pop(pin.page_id, None)
            else:
                shown[pin.page_id] = pin.revision
        PinnedAsset.objects.bulk_create(
            PinnedAsset(case=case, asset=asset, **from_row(asset))
            for asset in own_assets(apps, case.textbook_id, shown.values())
        )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_asset_pins")]

    operations = [migrations.RunPython(pin_existing_assets, migrations.RunPython.noop)]
