from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from media import hooks as media_hooks
from textbooks import membership, roles, scope
from textbooks.hooks import TEXTBOOK_LINKS
from textbooks.imports import IMPORTERS_HOOK
from textbooks.models import InstitutionKind, Textbook
from workflow import planning_urls, urls
from workflow.archives import archived_keys
from workflow.imports import ApplicationImporter
from workflow.models import (
    EditionAsset,
    EditionLeaf,
    Erratum,
    FilingState,
    Objection,
    ObjectionState,
    PinnedAsset,
    PinnedRevision,
    ReviewAssignment,
    ReviewCase,
    SchoolFiling,
    SelectionLine,
    SelectionPlan,
)
from workflow.models.selection import IN_FORCE
from workflow.services import planning, retirement, selection
from workflow.services.dashboard import (
    AWAITING_TRIAGE,
    CASE_QUEUES,
    UNSETTLED_ERRATA,
    overdue_assignments,
)
from workflow.services.lifecycle import watchlist
from workflow.services.review import OPEN_STATES
from workflow.views.admin import my_open_assignments
from workflow.views.choosers import edition_chooser_viewset


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("reviews/", include((urls, "workflow"), namespace="workflow"))]


@hooks.register("register_admin_urls")
def register_planning_urls():
    return [path("planning/", include((planning_urls, "planning"), namespace="planning"))]


class RoleMenuItem(MenuItem):
    """A menu item shown to the roles that have work behind it: a committee member or a
    political reviewer opening a screen that can never list anything for them took it for
    broken. The screens still answer anyone (their lists are scoped to the viewer)."""

    def __init__(self, label, url, *, roles, **kwargs):
        super().__init__(label, url, **kwargs)
        self.roles = roles

    def is_shown(self, request):
        return roles.user_has_role(request.user, *self.roles)


# Planning experts and sampling inspectors are subject reviewers
# (rules.reviewer_qualification_error).
WRITES_OR_ADMINISTERS = [*roles.ADMIN_ROLES, roles.AUTHOR]


@hooks.register("register_admin_menu_item")
def register_planning_menu_item():
    return RoleMenuItem(
        _("规划教材"),
        reverse("planning:batches"),
        roles=[*WRITES_OR_ADMINISTERS, roles.REVIEWER],
        icon_name="list-ol",
        order=212,
    )


class FilingMenuItem(MenuItem):
    """School-based textbooks are filed by their school's members and answered by the
    administrators of its province."""

    def is_shown(self, request):
        return (
            scope.is_administrator(request.user)
            or membership.institutions_of(request.user, kind=InstitutionKind.SCHOOL).exists()
        )


@hooks.register("register_admin_menu_item")
def register_filing_menu_item():
    return FilingMenuItem(
        _("校本教材备案"), reverse("planning:filings"), icon_name="clipboard-list", order=213
    )


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return RoleMenuItem(
        _("审核与版次"),
        reverse("workflow:cases"),
        roles=[*WRITES_OR_ADMINISTERS, *roles.EXPERT_ROLES],
        icon_name="tasks",
        order=210,
    )


@hooks.register("register_admin_menu_item")
def register_errata_menu_item():
    return RoleMenuItem(
        _("勘误处理"),
        reverse("workflow:errata"),
        roles=WRITES_OR_ADMINISTERS,
        icon_name="warning",
        order=215,
    )


class SelectionMenuItem(MenuItem):
    def is_shown(self, request):
        return (
            scope.is_administrator(request.user)
            or membership.committee_schools(request.user).exists()
        )


@hooks.register("register_admin_menu_item")
def register_selection_menu_item():
    return SelectionMenuItem(
        _("选用备案"), reverse("workflow:selections"), icon_name="list-ul", order=220
    )


class DashboardPanel(Component):
    """A panel of the admin dashboard: ``workflow/admin/<template>.html`` rendered with
    ``context``. One class for every panel; each hook below says what its panel shows."""

    def __init__(self, name, order, template, **context):
        self.name, self.order, self.context = name, order, context
        self.template_name = f"workflow/admin/{template}.html"

    def get_context_data(self, parent_context):
        return self.context


@hooks.register("construct_homepage_panels")
def add_selection_flags_panel(request, panels):
    """Dashboard: the committee's selected textbooks that changed and must be chosen again."""
    lines = list(
        SelectionLine.objects.filter(
            plan__school__in=membership.committee_schools(request.user),
            plan__state__in=IN_FORCE,
            flagged_at__isnull=False,
        ).select_related("plan__school", "course", "edition__textbook")[:50]
    )
    if lines:
        panels.append(DashboardPanel("selection_flags", 40, "selection_flags_panel", lines=lines))


@hooks.register("construct_homepage_panels")
def add_committee_panel(request, panels):
    """Dashboard: this term's selection plan of each school on whose committee the user sits,
    or that it has none yet: the committee's work of the term (its dashboard was empty)."""
    schools = list(membership.committee_schools(request.user).order_by("name"))
    if not schools:
        return
    year, season = selection.current_term()
    plans = {
        plan.school_id: plan
        for plan in SelectionPlan.objects.filter(school__in=schools, year=year, season=season)
    }
    rows = [(school, plans.get(school.pk)) for school in schools]
    panels.append(
        DashboardPanel(
            "committee_term",
            45,
            "committee_panel",
            rows=rows,
            term=selection.term_label(year, season),
        )
    )


@hooks.register("register_admin_menu_item")
def register_sampling_menu_item():
    return RoleMenuItem(
        _("抽查与退出"),
        reverse("workflow:sampling"),
        roles=[*roles.ADMIN_ROLES, roles.REVIEWER],
        icon_name="doc-full",
        order=217,
    )


@hooks.register("construct_homepage_panels")
def add_my_reviews_panel(request, panels):
    """Dashboard: the reviewer's open assignments, earliest due date first; shown to every
    expert, saying so when nothing waits (an empty dashboard looks broken)."""
    assignments = list(my_open_assignments(request.user))
    if assignments or not roles.role_names(request.user).isdisjoint(roles.EXPERT_ROLES):
        panels.append(DashboardPanel("my_reviews", 50, "my_reviews_panel", assignments=assignments))


@hooks.register("construct_homepage_panels")
def add_lifecycle_panel(request, panels):
    """Dashboard: revision cycles to watch, by province and tier (administrators)."""
    if scope.is_administrator(request.user):
        textbooks = scope.administered_textbooks(request.user)
        panels.append(
            DashboardPanel(
                "lifecycle_watch",
                60,
                "lifecycle_panel",
                groups=watchlist(textbooks),
                scope=scope.scope_label(request.user),
            )
        )


@hooks.register(IMPORTERS_HOOK)
def application_importer():
    return ApplicationImporter


@hooks.register("register_admin_menu_item")
def register_compliance_menu_item():
    return RoleMenuItem(
        _("达标情况"),
        reverse("workflow:compliance"),
        roles=roles.ADMIN_ROLES,
        icon_name="doc-full",
        order=225,
    )


@hooks.register("construct_homepage_panels")
def add_compliance_panel(request, panels):
    """Dashboard: a link to the compliance dashboard (its figures are computed there, not on
    every visit of the home page)."""
    if scope.is_administrator(request.user):
        panels.append(
            DashboardPanel(
                "compliance", 55, "compliance_panel", scope=scope.scope_label(request.user)
            )
        )


def waiting_rows(user):
    """(label, count, url) of each queue the administrator ``user`` works through."""
    cases = ReviewCase.objects.filter(scope.administered_q(user, "textbook__"))
    cases_url = reverse("workflow:cases")
    rows = [
        (queue.label, queue.select(cases).count(), f"{cases_url}?waiting={key}")
        for key, queue in CASE_QUEUES.items()
        if key != "overdue"
    ]
    overdue = overdue_assignments(
        ReviewAssignment.objects.filter(scope.administered_q(user, "track__case__textbook__"))
    )
    rows.append((_("逾期未提交的审核意见"), overdue.count(), f"{cases_url}?waiting=overdue"))
    errata = Erratum.objects.filter(scope.administered_q(user, "textbook__"))
    rows.append(
        (
            _("待受理的勘误"),
            errata.filter(state__in=AWAITING_TRIAGE).count(),
            reverse("workflow:errata") + "?state=new",
        )
    )
    # Planning, selection and retirement wait on the administrator too.
    objections = Objection.objects.filter(
        state=ObjectionState.OPEN, entry__batch__in=planning.batches_run_by(user)
    )
    filings = SchoolFiling.objects.filter(
        scope.planned_provinces_q(user, "school__"), state=FilingState.FILED
    )
    proposals = retirement.open_proposals(scope.administered_textbooks(user))
    rows += [
        (_("待答复的公示异议"), objections.count(), reverse("planning:batches")),
        (_("待确认的校本教材备案"), filings.count(), reverse("planning:filings")),
        (
            _("待审核的选用备案"),
            selection.plans_to_review(user).count(),
            reverse("workflow:selections"),
        ),
        (_("待决定的退出建议"), proposals.count(), reverse("workflow:retirements")),
    ]
    return rows


@hooks.register("construct_homepage_panels")
def add_waiting_panel(request, panels):
    """Dashboard (administrators): what waits for them in their scope, each count linking
    to the list it counts."""
    if scope.is_administrator(request.user):
        panels.append(
            DashboardPanel(
                "waiting_for_me",
                40,
                "waiting_panel",
                rows=waiting_rows(request.user),
                scope=scope.scope_label(request.user),
            )
        )


def my_textbooks(user):
    """(textbooks ``user`` writes with their lifecycle, open cases, unsettled errata count)."""
    textbooks = Textbook.objects.authored_by(user).select_related("lifecycle").order_by("title")
    cases = (
        ReviewCase.objects.filter(textbook__in=textbooks, state__in=OPEN_STATES)
        .select_related("textbook")
        .order_by("textbook__title")
    )
    errata = Erratum.objects.filter(UNSETTLED_ERRATA, textbook__in=textbooks).count()
    return list(textbooks), list(cases), errata


@hooks.register("construct_homepage_panels")
def add_my_textbooks_panel(request, panels):
    """Dashboard (authors): the textbooks they write, with lifecycle state and next due
    date; their open cases; errata on their textbooks not yet settled."""
    textbooks, cases, errata = my_textbooks(request.user)
    if textbooks:
        panels.append(
            DashboardPanel(
                "my_textbooks",
                45,
                "my_textbooks_panel",
                textbooks=textbooks,
                cases=cases,
                errata=errata,
            )
        )


@hooks.register(TEXTBOOK_LINKS)
def textbook_links(user, textbook):
    """In the 教材 listing: the textbook's editions and revision cycle, and for its writers
    submitting a revision."""
    if scope.administers(user, textbook) or textbook.is_written_by(user):
        yield (
            _("版次与修订周期"),
            reverse("workflow:textbook_lifecycle", args=[textbook.pk]),
            "history",
        )
    if textbook.is_written_by(user):
        yield (_("提交修订"), reverse("workflow:submit", args=[textbook.pk]), "upload")


@hooks.register(media_hooks.ASSETS_IN_USE)
def assets_pinned():
    """Editions stay readable and cases reviewable: the assets they pin are kept."""
    yield from EditionAsset.objects.values_list("asset_id", flat=True)
    yield from PinnedAsset.objects.filter(asset__isnull=False).values_list("asset_id", flat=True)


@hooks.register(media_hooks.KEYS_IN_USE)
def keys_pinned():
    """The bytes of every pinned copy, though the asset's file has been replaced since."""
    for model in (EditionAsset, PinnedAsset):
        yield from model.objects.values_list("key", flat=True)
        yield from model.objects.exclude(poster_key="").values_list("poster_key", flat=True)


hooks.register(media_hooks.KEYS_IN_USE, archived_keys)


@hooks.register(media_hooks.ASSET_KEEPERS)
def editions_and_open_cases_keeping(asset_ids):
    """A published edition keeps its assets for good; a case under review until it closes."""
    for pin in EditionAsset.objects.filter(asset_id__in=asset_ids).select_related(
        "edition__textbook"
    ):
        yield pin.asset_id, pin.edition
    for pin in PinnedAsset.objects.filter(
        asset_id__in=asset_ids, case__state__in=OPEN_STATES
    ).select_related("case__textbook"):
        yield pin.asset_id, pin.case


@hooks.register("before_delete_page")
def refuse_deleting_reviewed_content(request, page):
    """A page that an edition or a case pins (a leaf, or a textbook page with its leaves) is
    part of what readers were given: it cannot be deleted (the rows pinning it protect it, and
    Wagtail would answer 500). A leaf leaves an edition by a reviewed change."""
    pages = page.get_descendants(inclusive=True)
    pinned = Q(page__in=pages)
    if (
        EditionLeaf.objects.filter(pinned).exists()
        or PinnedRevision.objects.filter(pinned).exists()
    ):
        messages.error(
            request,
            _("该页面已收入版次或送审记录，不能删除。要从教材中移除活页，请在送审时选择移除。"),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("register_admin_viewset")
def register_edition_chooser():
    return edition_chooser_viewset
