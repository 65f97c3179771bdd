"""What a textbook's working copy changes relative to its current edition."""

from dataclasses import dataclass
from functools import cached_property

from textbooks.models import UnitPage
from workflow.models import ChangeType, Edition
from workflow.services.diff import compare_leaf


@dataclass
class LeafChange:
    page: UnitPage
    change_type: str
    # The revision to pin: the leaf's latest for added/changed, the edition's for
    # removed/reordered. None when the leaf has never been saved as a revision.
    revision: object
    # The current edition's revision of a changed leaf.
    before: object = None

    def get_change_type_display(self):
        return ChangeType(self.change_type).label

    @cached_property
    def field_changes(self):
        """What changed inside a changed leaf, as the editions' comparison will show it."""
        if self.change_type != ChangeType.CHANGED:
            return []
        return compare_leaf(self.before, self.revision)


def leaf_changes(textbook, *, remove=()):
    """The leaves that differ from the current edition, in tree order.

    ``remove`` holds ids of leaves the author takes out of the textbook. Without a current
    edition every leaf is added.
    """
    remove = {int(pk) for pk in remove}
    edition = Edition.objects.current().filter(textbook=textbook).first()
    manifest = (
        {row.page_id: row for row in edition.leaves.select_related("revision")} if edition else {}
    )
    leaves = list(
        UnitPage.objects.child_of(textbook.page).order_by("path").select_related("latest_revision")
    )
    # Relative order of the leaves that stay in the textbook, then and now.
    kept_then = [pk for pk in sorted(manifest, key=lambda pk: manifest[pk].position)]
    kept_then = [pk for pk in kept_then if pk not in remove]
    kept_now = [leaf.pk for leaf in leaves if leaf.pk in manifest and leaf.pk not in remove]
    changes = []
    for leaf in leaves:
        row = manifest.get(leaf.pk)
        if leaf.pk in remove:
            if row is not None:
                changes.append(LeafChange(leaf, ChangeType.REMOVED, row.revision))
        elif row is None:
            changes.append(LeafChange(leaf, ChangeType.ADDED, leaf.latest_revision))
        elif leaf.latest_revision_id != row.revision_id:
            changes.append(
                LeafChange(leaf, ChangeType.CHANGED, leaf.latest_revision, before=row.revision)
            )
        elif kept_now.index(leaf.pk) != kept_then.index(leaf.pk):
            changes.append(LeafChange(leaf, ChangeType.REORDERED, row.revision))
    return changes
