"""What a textbook's working copy changes relative to its current edition."""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from media.models import MediaAsset
from media.references import asset_ids_in_stream, latest_body
from textbooks.models import UnitPage
from workflow.models import ChangeType, Edition
from workflow.services.assets import edition_pins
from workflow.services.diff import asset_changes, compare_leaf

# The textbook page's own content, pinned and published with every case (its front matter).
FRONT_MATTER = [("title", _("标题")), ("overview", _("内容简介")), ("preface", _("前言"))]


@dataclass
class LeafChange:
    page: UnitPage
    change_type: str
    # The revision to pin: the leaf's latest for added/changed, the edition's for
    # removed/reordered. None when the leaf has never been saved as a revision.
    revision: object
    # The leaf's place in the textbook as submitted (from 0); a removed leaf's place in the
    # current edition.
    position: int
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
    place = {pk: n for n, pk in enumerate(leaf.pk for leaf in leaves if leaf.pk not in remove)}
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
                changes.append(LeafChange(leaf, ChangeType.REMOVED, row.revision, row.position))
        elif row is None:
            changes.append(
                LeafChange(leaf, ChangeType.ADDED, leaf.latest_revision, position=place[leaf.pk])
            )
        elif leaf.latest_revision_id != row.revision_id or replaced:
            changes.append(
                LeafChange(
                    leaf,
                    ChangeType.CHANGED,
                    leaf.latest_revision,
                    position=place[leaf.pk],
                    before=row.revision,
                    assets=replaced,
                )
            )
        elif kept_now.index(leaf.pk) != kept_then.index(leaf.pk):
            changes.append(LeafChange(leaf, ChangeType.REORDERED, row.revision, place[leaf.pk]))
    return changes


def reviewed_order(previous, pins):
    """The page ids of the edition a case publishes, in the order that was reviewed.

    ``previous`` lists the current edition's page ids in order (empty for none). A pinned
    leaf that stays holds its place as submitted, a removed one leaves, and the leaves the
    case does not touch keep their order from ``previous`` and fill the other places. The
    page tree is not read: a reorder made after submission waits for the next case.
    """
    placed = sorted(
        (pin.position, pin.page_id) for pin in pins if pin.change_type != ChangeType.REMOVED
    )
    touched = {pin.page_id for pin in pins}
    rest = [pk for pk in previous if pk not in touched]
    order, taken = [], 0
    for position, page_id in placed:
        while len(order) < position and taken < len(rest):
            order.append(rest[taken])
            taken += 1
        order.append(page_id)
    return order + rest[taken:]


@dataclass
class ContentsEntry:
    """A leaf in the table of contents a case would publish."""

    title: str
    number: str
    position: int  # from 1
    old_position: int | None  # in the edition compared with; None for a new leaf
    change_type: str  # "" for a leaf the case does not touch

    @property
    def moved(self):
        return self.old_position is not None and self.old_position != self.position

    def get_change_type_display(self):
        return ChangeType(self.change_type).label if self.change_type else ""


def submitted_contents(case, edition):
    """(the table of contents ``case`` publishes, the leaves it removes), each leaf with its
    place in ``edition`` (the one it is compared with, or None)."""
    rows = list(edition.leaves.select_related("revision").order_by("position")) if edition else []
    pins = list(case.pinned_revisions.select_related("revision"))
    revisions = {row.page_id: row.revision for row in rows}
    revisions.update({pin.page_id: pin.revision for pin in pins})
    old_position = {row.page_id: n for n, row in enumerate(rows, 1)}
    change = {pin.page_id: pin.change_type for pin in pins}

    def entry(page_id, position):
        content = revisions[page_id].content
        return ContentsEntry(
            title=content.get("title", ""),
            number=content.get("number", ""),
            position=position,
            old_position=old_position.get(page_id),
            change_type=change.get(page_id, ""),
        )

    order = reviewed_order([row.page_id for row in rows], pins)
    removed = [pin.page_id for pin in pins if pin.change_type == ChangeType.REMOVED]
    return (
        [entry(page_id, n) for n, page_id in enumerate(order, 1)],
        [entry(page_id, None) for page_id in removed],
    )


@dataclass
class FrontMatterField:
    label: str
    before: str
    after: str
    is_html: bool

    @property
    def changed(self):
        return self.before != self.after


def front_matter(old_revision, new_revision):
    """The textbook page's title, overview and preface in two revisions (``old_revision``
    None before the first edition)."""
    old = old_revision.content if old_revision else {}
    new = new_revision.content if new_revision else {}
    return [
        FrontMatterField(label, old.get(name) or "", new.get(name) or "", name != "title")
        for name, label in FRONT_MATTER
    ]
