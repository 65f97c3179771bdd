"""What a textbook's working copy changes relative to its current edition."""

from dataclasses import dataclass, field
from functools import cached_property

from media.models import MediaAsset
from media.references import asset_ids_in_stream, latest_body
from textbooks.models import UnitPage
from workflow.models import ChangeType, Edition
from workflow.services.assets import edition_pins
from workflow.services.diff import asset_changes, compare_leaf


@dataclass
class LeafChange:
    page: UnitPage
    change_type: str
    # The revision to pin: the leaf's latest for added/changed, the edition's for
    # removed/reordered. None when the leaf has never been saved as a revision.
    revision: object
    # The current edition's revision of a changed leaf.
    before: object = None
    # How the resources it shows changed since the edition pinned them (diff.FieldChange).
    assets: list = field(default_factory=list)

    def get_change_type_display(self):
        return ChangeType(self.change_type).label

    @cached_property
    def field_changes(self):
        """What changed inside a changed leaf, as the editions' comparison will show it: its
        fields, then how the resources it shows were replaced."""
        if self.change_type != ChangeType.CHANGED:
            return []
        return compare_leaf(self.before, self.revision) + self.assets


def leaf_changes(textbook, *, remove=()):
    """The leaves that differ from the current edition, in tree order.

    ``remove`` holds ids of leaves the author takes out of the textbook. Without a current
    edition every leaf is added. A leaf whose content is unchanged but one of whose resources
    was replaced (file, title or kind) since the edition pinned it is changed too: the
    replacement reaches readers only through review.
    """
    remove = {int(pk) for pk in remove}
    edition = Edition.objects.current().filter(textbook=textbook).first()
    manifest = (
        {row.page_id: row for row in edition.leaves.select_related("revision")} if edition else {}
    )
    leaves = list(
        UnitPage.objects.child_of(textbook.page).order_by("path").select_related("latest_revision")
    )
    pins = edition_pins(edition)
    shown = {leaf.pk: asset_ids_in_stream(latest_body(leaf)) for leaf in leaves}
    now = MediaAsset.objects.in_bulk({i for ids in shown.values() for i in ids if i in pins})
    # Relative order of the leaves that stay in the textbook, then and now.
    kept_then = [pk for pk in sorted(manifest, key=lambda pk: manifest[pk].position)]
    kept_then = [pk for pk in kept_then if pk not in remove]
    kept_now = [leaf.pk for leaf in leaves if leaf.pk in manifest and leaf.pk not in remove]
    changes = []
    for leaf in leaves:
        row = manifest.get(leaf.pk)
        replaced = asset_changes(shown[leaf.pk], pins, now)
        if leaf.pk in remove:
            if row is not None:
                changes.append(LeafChange(leaf, ChangeType.REMOVED, row.revision))
        elif row is None:
            changes.append(LeafChange(leaf, ChangeType.ADDED, leaf.latest_revision))
        elif leaf.latest_revision_id != row.revision_id or replaced:
            changes.append(
                LeafChange(leaf, ChangeType.CHANGED, leaf.latest_revision, row.revision, replaced)
            )
        elif kept_now.index(leaf.pk) != kept_then.index(leaf.pk):
            changes.append(LeafChange(leaf, ChangeType.REORDERED, row.revision))
    return changes
