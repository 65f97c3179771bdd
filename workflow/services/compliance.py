"""The figures administrators answer for (the action plan's targets), in one place for the
dashboard, its XLSX export and ``manage.py compliance_report``.

Each figure is one aggregate query (GROUP BY province or state), so the cost does not grow
with rows fetched: benchmarks/compliance_benchmark.py measures 100,000 textbooks and 10,000
schools. Scope: a list of province codes (the viewer's, textbooks.scope), or every province.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from textbooks import scope
from textbooks.models import PROVINCES, CourseType, Institution, InstitutionKind, Textbook, Tier
from workflow.models import (
    LifecycleState,
    PlanBatch,
    SelectionLine,
    SelectionPlan,
    TextbookLifecycle,
)
from workflow.models.planning import BatchState
from workflow.models.selection import IN_FORCE
from workflow.services import sampling
from workflow.services.selection import current_term
from workflow.services.selection_rules import NOT_LATEST

ALL_PROVINCES = [code for code, _label in PROVINCES]


@dataclass
class Figures:
    provinces: list  # the province codes in scope, in PROVINCES order
    nationwide: bool  # the scope is every province (textbooks without a province count too)
    term: tuple  # (year, season)
    co_developed_planned: int = 0
    co_developed_target: int = 0
    # {code: {"lines": professional-course lines filed, "latest": of which latest updated}}
    professional_lines: dict = field(default_factory=dict)
    # {code: {"filed": schools with a filed plan this term, "expected": schools}}
    selections: dict = field(default_factory=dict)
    batches_by_stage: dict = field(default_factory=dict)  # {BatchState: count}
    sampling_coverage: dict = field(default_factory=dict)  # {code: share}
    # {code: {"due": revision_due, "overdue": revision_overdue}}
    revisions: dict = field(default_factory=dict)

    @property
    def latest_updated_share(self):
        return {
            code: round(row["latest"] / row["lines"], 4) if row["lines"] else None
            for code, row in self.professional_lines.items()
        }

    @property
    def selections_filed(self):
        return sum(row["filed"] for row in self.selections.values())

    @property
    def selections_expected(self):
        return sum(row["expected"] for row in self.selections.values())

    @property
    def revisions_due(self):
        return sum(row["due"] for row in self.revisions.values()) + self.unplaced_revisions["due"]

    @property
    def revisions_overdue(self):
        return (
            sum(row["overdue"] for row in self.revisions.values())
            + self.unplaced_revisions["overdue"]
        )

    # Textbooks without a province (the nation's own) count in the national totals only.
    unplaced_revisions: dict = field(default_factory=lambda: {"due": 0, "overdue": 0})

    def as_json(self):
        year, season = self.term
        return {
            "term": {"year": year, "season": season},
            "provinces": self.provinces,
            "co_developed_planned": self.co_developed_planned,
            "co_developed_target": self.co_developed_target,
            "latest_updated_share": self.latest_updated_share,
            "professional_lines": self.professional_lines,
            "selections_filed": self.selections_filed,
            "selections_expected": self.selections_expected,
            "selections_by_province": self.selections,
            "planning_batches": self.batches_by_stage,
            "sampling_coverage": self.sampling_coverage,
            "revisions_due": self.revisions_due,
            "revisions_overdue": self.revisions_overdue,
            "revisions_by_province": self.revisions,
        }


def provinces_of(user):
    """The province codes ``user`` sees on the dashboard (every one for a national
    administrator)."""
    provinces = scope.administered_provinces(user)
    return ALL_PROVINCES if provinces is scope.EVERY_PROVINCE else provinces


def figures(provinces=None, term=None):
    """Every figure for ``provinces`` (None: the whole nation) in ``term`` (the current one)."""
    nationwide = provinces is None
    provinces = ALL_PROVINCES if nationwide else [p for p in ALL_PROVINCES if p in provinces]
    result = Figures(provinces=provinces, nationwide=nationwide, term=term or current_term())
    year, season = result.term
    zero = {code: 0 for code in provinces}

    textbooks = (
        Textbook.objects.all() if nationwide else Textbook.objects.filter(province__in=provinces)
    )
    result.co_developed_target = settings.COMPLIANCE_CO_DEVELOPED_TARGET
    # One pass over the co-developers, grouped by textbook (not two EXISTS per textbook).
    through = Textbook.co_developers.through.objects.filter(
        textbook__in=textbooks.filter(tier=Tier.NATIONAL)
    )
    result.co_developed_planned = (
        through.values("textbook")
        .annotate(
            schools=Count("pk", filter=Q(institution__kind=InstitutionKind.SCHOOL)),
            enterprises=Count("pk", filter=Q(institution__kind=InstitutionKind.ENTERPRISE)),
        )
        .filter(schools__gt=0, enterprises__gt=0)
        .order_by()
        .count()
    )

    not_latest = TextbookLifecycle.objects.filter(
        textbook_id=OuterRef("edition__textbook_id"), state__in=NOT_LATEST
    )
    lines = (
        SelectionLine.objects.filter(
            plan__year=year,
            plan__season=season,
            plan__state__in=IN_FORCE,
            plan__school__province__in=provinces,
            course__course_type=CourseType.PROFESSIONAL,
        )
        .values("plan__school__province")
        .annotate(
            lines=Count("pk"),
            latest=Count("pk", filter=Q(edition__is_current=True) & ~Exists(not_latest)),
        )
        .order_by()
    )
    found = {row["plan__school__province"]: row for row in lines}
    result.professional_lines = {
        code: {
            "lines": found.get(code, {}).get("lines", 0),
            "latest": found.get(code, {}).get("latest", 0),
        }
        for code in provinces
    }

    expected = dict(
        Institution.objects.filter(kind=InstitutionKind.SCHOOL, province__in=provinces)
        .values_list("province")
        .annotate(n=Count("pk"))
        .order_by()
    )
    filed = dict(
        SelectionPlan.objects.filter(
            year=year, season=season, state__in=IN_FORCE, school__province__in=provinces
        )
        .values_list("school__province")
        .annotate(n=Count("school", distinct=True))
        .order_by()
    )
    result.selections = {
        code: {"filed": filed.get(code, 0), "expected": expected.get(code, 0)} for code in provinces
    }

    batches = PlanBatch.objects.all()
    if not nationwide:
        batches = batches.filter(province__in=provinces)
    counts = dict(batches.values_list("state").annotate(n=Count("pk")).order_by())
    result.batches_by_stage = {state: counts.get(state, 0) for state in BatchState.values}

    result.sampling_coverage = sampling.coverage_shares(provinces)

    due = (
        textbooks.filter(
            lifecycle__state__in=[LifecycleState.REVISION_DUE, LifecycleState.REVISION_OVERDUE]
        )
        .values_list("province", "lifecycle__state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result.revisions = {code: {"due": zero[code], "overdue": 0} for code in provinces}
    key = {LifecycleState.REVISION_DUE: "due", LifecycleState.REVISION_OVERDUE: "overdue"}
    for province, state, n in due:
        target = result.revisions.get(province, result.unplaced_revisions)
        target[key[state]] += n
    return result
