"""Which assets the content refers to: media_resource blocks in leaves' StreamFields."""

import json

from media import hooks
from textbooks.models import UnitPage

MEDIA_BLOCK = "media_resource"


def asset_ids_in_stream(raw):
    """Asset ids of every media_resource block in raw StreamField data (list or JSON text)."""
    if isinstance(raw, str):
        raw = json.loads(raw or "[]")
    found = []
    for block in raw or []:
        if block.get("type") == MEDIA_BLOCK and block.get("value", {}).get("asset"):
            found.append(int(block["value"]["asset"]))
    return found


def media_blocks(raw):
    """The values of every media_resource block, in order."""
    if isinstance(raw, str):
        raw = json.loads(raw or "[]")
    return [block["value"] for block in raw or [] if block.get("type") == MEDIA_BLOCK]


def live_body(page):
    return page.body.raw_data if page.live else []


def latest_body(page):
    """The body of the leaf's latest revision (its draft), or the page row's if none."""
    revision = page.latest_revision
    if revision is not None and "body" in revision.content:
        return revision.content["body"]
    return page.body.raw_data


def referenced_asset_ids():
    """Ids of assets that the live content or the latest revision of any leaf refers to, or
    that a layer above keeps (published editions stay readable)."""
    ids = hooks.gather(hooks.ASSETS_IN_USE)
    for leaf in UnitPage.objects.select_related("latest_revision"):
        ids.update(asset_ids_in_stream(live_body(leaf)))
        ids.update(asset_ids_in_stream(latest_body(leaf)))
    return ids
