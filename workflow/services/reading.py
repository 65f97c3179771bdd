"""What teachers read on the public site: a textbook's current edition, its history, its status.

The edition manifest is the truth: the textbook page lists the current edition's pinned leaf
revisions and a leaf page shows the revision and the resources its edition pins, so nothing
saved after publication (a draft, an unreviewed change, a replaced file) reaches a teacher. Every function here costs a
fixed number of queries whatever the number of leaves and editions.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from textbooks.models import UnitPage
from workflow.models import ChangeCategory, Edition, EditionLeaf, LifecycleState
from workflow.models.lifecycle import TextbookLifecycle
from workflow.services.assets import edition_assets
from workflow.services.lifecycle import is_recently_updated

CATEGORY_LABELS = dict(ChangeCategory.choices)

NOTICES = {
    LifecycleState.SUSPENDED: _("本教材已暂停使用，请勿新选用。"),
    LifecycleState.RETIRED: _("本教材已退出目录，不能再选用。"),
}


@dataclass
class LeafEntry:
    """A leaf as the table of contents shows it, read from its pinned revision."""

    page_id: int
    number: str
    title: str
    slug: str
    code: str = ""  # the leaf's own (textbooks.leaf_codes), the same in every revision


@dataclass
class HistoryEntry:
    edition: Edition
    predecessor: Edition | None
    categories: list

    @property
    def version(self):
        return self.edition.version


@dataclass
class StatusNotice:
    state: str
    message: str
    successor_title: str = ""
    successor_url: str = ""


def edition_leaves(edition):
    """The leaves of ``edition`` in manifest order (one query)."""
    rows = (
        EditionLeaf.objects.filter(edition=edition)
        .select_related("revision")
        .annotate(code=Subquery(UnitPage.objects.filter(pk=OuterRef("page_id")).values("code")))
        .order_by("position")
    )
    return [
        LeafEntry(
            page_id=row.page_id,
            number=row.revision.content.get("number", ""),
            title=row.revision.content.get("title", ""),
            slug=row.revision.content.get("slug", ""),
            code=row.code or "",
        )
        for row in rows
    ]


def neighbours(edition, leaf):
    """(previous, next) LeafEntry of ``leaf`` in ``edition``'s manifest order; None at either
    end or when the edition does not contain it (one query)."""
    leaves = edition_leaves(edition)
    index = next((i for i, entry in enumerate(leaves) if entry.page_id == leaf.pk), None)
    if index is None:
        return None, None
    return (
        leaves[index - 1] if index > 0 else None,
        leaves[index + 1] if index + 1 < len(leaves) else None,
    )


def edition_history(textbook):
    """Every edition of ``textbook``, newest first, each with its predecessor (one query)."""
    editions = list(Edition.objects.filter(textbook=textbook).order_by("-major", "-minor"))
    predecessors = {e.successor_id: e for e in editions if e.successor_id}
    return [
        HistoryEntry(
            edition=edition,
            predecessor=predecessors.get(edition.pk),
            categories=[
                str(CATEGORY_LABELS[c]) for c in edition.change_categories if c in CATEGORY_LABELS
            ],
        )
        for edition in editions
    ]


def status_notice(textbook):
    """The notice a suspended or retired textbook shows, with its successor when it has a
    published page; None for a textbook in service (one query)."""
    lifecycle = (
        TextbookLifecycle.objects.filter(textbook=textbook)
        .select_related("successor__page")
        .first()
    )
    if lifecycle is None or lifecycle.state not in NOTICES:
        return None
    notice = StatusNotice(state=lifecycle.state, message=str(NOTICES[lifecycle.state]))
    successor = lifecycle.successor
    page = getattr(successor, "page", None) if successor is not None else None
    if page is not None and page.live:
        notice.successor_title = successor.title
        notice.successor_url = page.url
    return notice


def textbook_reading(textbook_page):
    """Context for the public textbook page: current edition, its leaves, history, notice."""
    textbook = textbook_page.textbook
    history = edition_history(textbook)
    edition = next((h.edition for h in history if h.edition.is_current), None)
    return {
        "textbook": textbook,
        "edition": edition,
        "recently_updated": is_recently_updated(edition),
        "leaves": edition_leaves(edition) if edition else [],
        "history": history,
        "notice": status_notice(textbook),
    }


def current_leaf(textbook_page, leaf_page):
    """(current edition, the leaf as that edition pins it) for a live leaf page.

    (edition, None) when the current edition does not contain the leaf; (None, None) for a
    textbook without an edition.
    """
    edition = Edition.objects.current().filter(textbook_id=textbook_page.textbook_id).first()
    if edition is None:
        return None, None
    return edition, pinned_leaf(edition, page_id=leaf_page.pk)


def pinned_leaf(edition, page_id=None, slug=None):
    """The leaf of ``edition`` with this page id (or pinned slug), as its pinned revision
    shows it; None when the edition does not contain it."""
    rows = EditionLeaf.objects.filter(edition=edition).select_related("revision")
    if page_id is not None:
        rows = rows.filter(page_id=page_id)
    for row in rows:
        if slug is None or row.revision.content.get("slug") == slug:
            return row.revision.as_object()
    return None


def leaf_reading(edition, leaf, textbook_page):
    """Context shared by a live leaf page and an old edition's leaf page."""
    context = {"edition": edition, "textbook_page": textbook_page, "current_edition": edition}
    if edition is not None:
        context["edition_assets"] = edition_assets(edition)
    if edition is not None and not edition.is_current:
        current = Edition.objects.current().filter(textbook_id=edition.textbook_id).first()
        context["current_edition"] = current
        row = (
            EditionLeaf.objects.filter(edition=current, page_id=leaf.pk)
            .select_related("revision")
            .first()
            if current is not None
            else None
        )
        if row is not None and textbook_page.live:
            context["current_leaf_url"] = f"{textbook_page.url}{row.revision.content['slug']}/"
    return context
