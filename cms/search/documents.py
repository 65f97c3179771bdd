"""What a textbook looks like to the search index: built once, written by either backend."""

from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.translation import gettext

from cms.search.facets import TRUE
from cms.search.models import Status
from cms.search.results import TextbookSummary
from cms.search.segment import index_text
from textbooks.models import Level, Textbook, TextbookPage
from textbooks.models.catalogue import CourseType, Tier
from workflow.models import Edition, TextbookLifecycle
from workflow.models.lifecycle import LifecycleState

FORM_LABELS = {"loose_leaf": "活页式", "workbook": "工作手册式", "mixed_media": "融媒体"}

# What teachers see of the lifecycle: a textbook due or overdue for revision is still in use
# (with a note); suspended and retired ones are listed after every in-use match.
STATUS_OF_STATE = {
    LifecycleState.SUSPENDED: Status.SUSPENDED,
    LifecycleState.RETIRED: Status.RETIRED,
}
NOTED_STATES = (LifecycleState.REVISION_DUE, LifecycleState.REVISION_OVERDUE)


def status_of(state):
    """(Status, note) for a lifecycle state; None (no lifecycle yet) counts as in use."""
    note = str(LifecycleState(state).label) if state in NOTED_STATES else ""
    return STATUS_OF_STATE.get(state, Status.IN_USE), note


@dataclass
class CatalogueDocument(TextbookSummary):
    title_text: str
    subject_text: str
    body_text: str
    # (value, label) pairs per stored facet key
    facets: dict = field(default_factory=dict)
    # "待修订" / "逾期未修订" for an in-use textbook due for revision, else "".
    status_note: str = ""

    def facet_values(self):
        """(facet, value, label) triples, one per stored facet value."""
        return [(key, value, label) for key, pairs in self.facets.items() for value, label in pairs]


def _leaf_text(leaf):
    body = leaf.body.stream_block.get_searchable_content(leaf.body)
    return " ".join([leaf.number, leaf.title, leaf.summary, *(strip_tags(t) for t in body)])


def build_document(textbook_id):
    """The document for a textbook, or None when teachers must not see it.

    Only the current edition is indexed: the textbook page revision and the leaf revisions
    it pins, never live pages. A textbook without a current edition is not public, nor one
    whose page is not live and public.
    """
    textbook = (
        Textbook.objects.with_co_developed()
        .select_related("publisher")
        .filter(pk=textbook_id)
        .first()
    )
    if textbook is None:
        return None
    page = TextbookPage.objects.live().public().filter(textbook=textbook).first()
    edition = Edition.objects.filter(textbook=textbook, is_current=True).first()
    if page is None or edition is None:
        return None
    pinned = edition.textbook_revision.as_object()
    leaves = [
        row.revision.as_object()
        for row in edition.leaves.select_related("revision").order_by("position")
    ]

    state = (
        TextbookLifecycle.objects.filter(textbook=textbook).values_list("state", flat=True).first()
    )
    status, status_note = status_of(state)
    majors = list(textbook.majors.all())
    courses = list(textbook.courses.all())
    forms = [code for code, _label in textbook.forms]
    facets = {
        "major_category": [(m.category, m.category) for m in majors],
        "major": [(m.code, f"{m.code} {m.name}") for m in majors],
        "level": [(m.level, str(Level(m.level).label)) for m in majors],
        "course_type": [(c.course_type, str(CourseType(c.course_type).label)) for c in courses],
        "course": [(str(c.pk), c.name) for c in courses],
        "form": [(code, FORM_LABELS[code]) for code in forms],
        "tier": [(textbook.tier, str(Tier(textbook.tier).label))],
        "co_developed": [(TRUE, gettext("校企双元合作开发"))] if textbook.co_developed else [],
        "status": [(status, str(Status(status).label))],
    }
    facets = {key: list(dict.fromkeys(pairs)) for key, pairs in facets.items()}
    subjects = [
        *(f"{m.category} {m.name}" for m in majors),
        *(c.name for c in courses),
        textbook.publisher.name if textbook.publisher else "",
    ]
    body = [strip_tags(pinned.overview), strip_tags(pinned.preface), *map(_leaf_text, leaves)]
    return CatalogueDocument(
        textbook_id=textbook.pk,
        title=textbook.title,
        slug=textbook.slug,
        url=page.get_url() or "",
        isbn=textbook.isbn,
        tier=textbook.tier,
        co_developed=textbook.co_developed,
        status=status,
        status_note=status_note,
        edition_version=edition.version,
        edition_published_at=edition.published_at,
        updated_at=edition.published_at,
        title_text=index_text(textbook.title),
        subject_text=index_text(*subjects),
        body_text=index_text(*body),
        facets=facets,
    )
