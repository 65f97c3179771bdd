"""What media learns from the layers above it (workflow, cms), which it may not import.

Those layers register functions under these Wagtail hook names in their wagtail_hooks.py;
media asks every registered function. It is the one way a lower layer of this project asks
a higher one, used the same way everywhere (see docs/architecture.md).
"""

from wagtail import hooks

#: fn() -> iterable of MediaAsset ids that a record above media still needs (an edition pins
#: a revision showing it), so the orphan sweep keeps them.
ASSETS_IN_USE = "media_assets_in_use"
#: fn() -> iterable of storage keys that a record above media still needs (an edition pins
#: them, an archive lists them), so the orphan sweep keeps them.
KEYS_IN_USE = "media_storage_keys_in_use"
#: fn(asset_ids) -> iterable of (asset id, label) naming each record above media that keeps
#: one of those assets (a published edition, a case under review); such an asset cannot be
#: deleted.
ASSET_KEEPERS = "media_asset_keepers"


def gather(name):
    """The union of what every function registered under ``name`` returns."""
    found = set()
    for fn in hooks.get_hooks(name):
        found.update(fn())
    return found


def keepers(asset_ids):
    """{asset id: [labels of the records that keep it]} for those of ``asset_ids`` kept."""
    found = {}
    for fn in hooks.get_hooks(ASSET_KEEPERS):
        for asset_id, label in fn(list(asset_ids)):
            found.setdefault(asset_id, []).append(str(label))
    return found
