"""Schools' public pages: what each school teaches from (its filed selections, 选用备案) and
the plan it announces (校内公示), so that a teacher finds the right book from the school."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from cms.site import breadcrumbs
from textbooks.models import PROVINCES, Institution, InstitutionKind
from workflow.models import Edition, SelectionPlan
from workflow.models.selection import IN_FORCE
from workflow.services import selection

app_name = "schools"


def school_list(request):
    """Schools that have filed a selection, by province."""
    schools = Institution.objects.filter(
        kind=InstitutionKind.SCHOOL,
        pk__in=SelectionPlan.objects.filter(state__in=IN_FORCE).values("school"),
    ).order_by("province", "name")
    labels = dict(PROVINCES)
    groups = {}
    for school in schools:
        groups.setdefault(labels.get(school.province, ""), []).append(school)
    return TemplateResponse(
        request,
        "cms/schools/school_list.html",
        {"groups": groups, "breadcrumbs": breadcrumbs.here(breadcrumbs.schools())},
    )


def _lines(plan):
    """The plan's lines, each with the current edition of its textbook (``current``)."""
    lines = list(plan.lines.select_related("course", "edition__textbook"))
    current = {
        e.textbook_id: e
        for e in Edition.objects.current().filter(
            textbook__in=[line.edition.textbook_id for line in lines]
        )
    }
    for line in lines:
        line.current = current.get(line.edition.textbook_id)
    return lines


def school_detail(request, pk):
    school = get_object_or_404(Institution, pk=pk)
    if school.kind != InstitutionKind.SCHOOL:
        raise Http404
    plans = [(plan, _lines(plan)) for plan in selection.filed_plans(school)[:4]]
    announced = selection.announced_plan(school)
    return TemplateResponse(
        request,
        "cms/schools/school_detail.html",
        {
            "school": school,
            "plans": plans,
            "announced": announced,
            "announced_lines": _lines(announced) if announced else [],
            "breadcrumbs": breadcrumbs.here(breadcrumbs.schools(), school.name),
        },
    )


urlpatterns = [
    path("schools/", school_list, name="list"),
    path("schools/<int:pk>/", school_detail, name="detail"),
]
