"""Admin screens of the review workflow. Thin: permission check, form, one service call."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from media.storage import private_storage
from media.views import serve_key
from textbooks.models import Textbook
from textbooks.names import display_name
from workflow import notifications, services
from workflow.forms import (
    AssignForm,
    CancelForm,
    DecideForm,
    OpinionForm,
    ReplaceForm,
    SubmitForm,
)
from workflow.models import (
    OPEN_STATES,
    AssignmentState,
    AuditLogEntry,
    CaseState,
    ChangeType,
    PinnedAsset,
    ReviewAssignment,
    ReviewCase,
)
from workflow.services.assets import (
    case_assets,
    case_pins,
    edition_assets,
    edition_pins,
)
from workflow.services.changes import front_matter, submitted_contents
from workflow.services.dashboard import CASE_QUEUES
from workflow.services.diff import compare_leaf, front_matter_changes
from workflow.services.documents import DOCUMENTS, content_type_of
from workflow.services.editions import next_version
from workflow.services.review import (
    allowed_kinds,
    decide_outcome,
    kind_change,
    kind_restriction,
    missing_opinions,
    track_results,
    vetoed,
)
from workflow.services.rules import administered_or_written, recusal_reason
from workflow.views import screens


def visible_cases(user):
    """The cases ``user`` may see: in their administrative scope, written or assigned."""
    return ReviewCase.objects.filter(
        administered_or_written(user)
        | Q(pk__in=ReviewAssignment.objects.filter(reviewer=user).values("track__case"))
    )


def case_list(request):
    """The cases the viewer may see; ``?waiting=`` narrows them to one of the queues the
    dashboard counts (workflow.services.dashboard.CASE_QUEUES)."""
    cases = visible_cases(request.user).select_related("textbook", "submitted_by")
    queue = CASE_QUEUES.get(request.GET.get("waiting", ""))
    if queue is not None:
        cases = queue.select(cases)
    heading = _("审核与版次")
    return TemplateResponse(
        request,
        "workflow/admin/case_list.html",
        {
            "heading": heading,
            "breadcrumbs": screens.breadcrumbs((heading, None)),
            "cases": cases[:200],
            "filter_label": queue and queue.label,
            "my_textbooks": Textbook.objects.authored_by(request.user).order_by("title"),
            "my_assignments": my_open_assignments(request.user),
        },
    )


def my_open_assignments(user):
    return (
        ReviewAssignment.objects.filter(
            reviewer=user,
            track__case__state=CaseState.IN_REVIEW,
            state=AssignmentState.ACTIVE,
            opinion__isnull=True,
        )
        .filter(round=F("track__case__round"))
        .select_related("track__case__textbook")
    )


def submit_revision(request, textbook_id):
    textbook = get_object_or_404(Textbook, pk=textbook_id)
    if not textbook.is_written_by(request.user):
        raise PermissionDenied
    pending = textbook.review_cases.filter(state=CaseState.RESUBMIT_REQUESTED).first()
    edition = services.current_edition(textbook)
    kinds = [pending.kind] if pending else allowed_kinds(textbook)
    restriction = None if pending else kind_restriction(textbook)
    removable = [row.page for row in edition.leaves.select_related("page")] if edition else []
    form = SubmitForm(
        request.POST or None,
        request.FILES or None,
        removable=removable,
        kinds=kinds,
        kind_note=restriction,
    )
    if not kinds:
        form = None  # retired: nothing to submit
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        documents = {
            "change_summary": data["change_summary"],
            "change_categories": data["change_categories"],
            "usage_report": data["usage_report"],
            "change_table": data["change_table"],
            "remove": data["remove"],
        }
        try:
            with transaction.atomic():
                if pending:
                    case = services.resubmit(pending, user=request.user, **documents)
                else:
                    case = services.open_case(textbook, user=request.user, kind=data["kind"])
                    case = services.submit(case, user=request.user, **documents)
        except services.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已送审，等待管理员分配审核专家。"))
            return redirect("workflow:case", case.pk)
    remove = request.POST.getlist("remove") if request.method == "POST" else ()
    front = (
        front_matter(edition.textbook_revision, textbook.page.latest_revision) if edition else []
    )
    return TemplateResponse(
        request,
        "workflow/admin/submit.html",
        {
            "heading": _("提交修订：%(title)s") % {"title": textbook.title},
            "breadcrumbs": screens.breadcrumbs(
                screens.cases(), (_("提交修订：%(title)s") % {"title": textbook.title}, None)
            ),
            "textbook": textbook,
            "edition": edition,
            "pending": pending,
            "changes": services.leaf_changes(textbook, remove=[r for r in remove if r.isdigit()]),
            "front_matter_changed": [field.label for field in front if field.changed],
            "form": form,
            "closed": None if kinds else restriction,
            "open_errata": services.open_errata_for(textbook),
        },
    )


def _case_for(request, pk):
    """The case, if ``request.user`` may see it; outside the viewer's scope it does not
    exist (404), so a case screen tells nobody what another province has under review."""
    return get_object_or_404(visible_cases(request.user).select_related("textbook"), pk=pk)


def case_screen(case, heading):
    """The heading and breadcrumbs of a screen about ``case``."""
    return {
        "heading": heading,
        "breadcrumbs": screens.breadcrumbs(screens.cases(), screens.case(case), (heading, None)),
    }


def _managed_case(request, pk):
    case = _case_for(request, pk)
    if not services.can_manage_case(request.user, case):
        raise PermissionDenied
    return case


def case_history(case):
    """The case's transitions and its assignments' (a reviewer replaced), in order."""
    assignments = ReviewAssignment.objects.filter(track__case=case)
    return (
        AuditLogEntry.objects.for_object(case)
        | AuditLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ReviewAssignment),
            object_id__in=assignments.values("pk"),
        )
    ).select_related("actor", "content_type")


def case_detail(request, pk):
    case = _case_for(request, pk)
    is_admin = services.can_manage_case(request.user, case)
    is_writer = case.textbook.is_written_by(request.user)
    change = kind_change(case)
    # An administrator who is recused sees why, and none of the buttons he may not use.
    recusal = (
        recusal_reason(request.user, case.textbook, case)
        if is_admin and case.state in OPEN_STATES
        else None
    )
    acts = is_admin and recusal is None
    tracks = [
        (
            track,
            track.assignments.select_related(
                "reviewer", "opinion", "replaced_by__reviewer"
            ).order_by("round", "pk"),
        )
        for track in case.tracks.all()
    ]
    can_decide = acts and case.state == CaseState.IN_REVIEW
    missing = missing_opinions(case) if can_decide else []
    results = track_results(case) if can_decide else []
    # The outcome the button will record, once the rule can be applied (or a veto ends it).
    outcome = decide_outcome(results) if can_decide and (not missing or vetoed(results)) else None
    can_publish = acts and case.state == CaseState.APPROVED
    heading = screens.case(case)[0]
    return TemplateResponse(
        request,
        "workflow/admin/case_detail.html",
        {
            "heading": heading,
            "breadcrumbs": screens.breadcrumbs(screens.cases(), (heading, None)),
            "case": case,
            "pins": case.pinned_revisions.select_related("page", "revision"),
            "tracks": tracks,
            "show_opinions": is_admin or is_writer,
            "history": case_history(case),
            "recusal": recusal,
            "can_assign": acts and case.state in (CaseState.SUBMITTED, CaseState.IN_REVIEW),
            "can_replace": acts and case.state == CaseState.IN_REVIEW,
            "can_decide": can_decide,
            "outcome": outcome and CaseState(outcome).label,
            "decide_form": DecideForm(
                initial={"kind": case.kind},
                kinds=allowed_kinds(case.textbook) if case.is_revision else None,
            ),
            "kind_change_text": change and notifications.kind_change_text(change),
            "documents": _documents(case),
            "missing": missing,
            "can_publish": can_publish,
            "publishes": can_publish
            and "{}.{}".format(*next_version(services.current_edition(case.textbook), case.kind)),
            "can_cancel": acts and case.state in OPEN_STATES,
            "can_withdraw": is_writer and case.state in (CaseState.DRAFT, CaseState.SUBMITTED),
            "can_resubmit": is_writer and case.state == CaseState.RESUBMIT_REQUESTED,
            "edition": getattr(case, "edition", None),
            "my_assignments": [
                a for _track, found in tracks for a in found if a.reviewer_id == request.user.pk
            ],
        },
    )


def case_asset(request, pk, asset_id):
    """A resource as the case pins it (what its reviewers review), to whoever may see the
    case."""
    case = _case_for(request, pk)
    pin = get_object_or_404(PinnedAsset, case=case, asset_id=asset_id)
    return serve_key(pin.key, pin.content_type, public=False)


@never_cache
def document(request, pk, name):
    """A review document, to those who may see the case: the textbook's writers, its
    administrators in scope, the reviewers assigned to the case."""
    case = _case_for(request, pk)
    if name not in DOCUMENTS:
        raise Http404
    stored = getattr(case, DOCUMENTS[name][0])
    if not stored:
        raise Http404
    return serve_key(
        stored.name, content_type_of(stored.name), public=False, store=private_storage()
    )


def _documents(case):
    """(label, URL, file name) of each document the case has."""
    return [
        (label, reverse("workflow:document", args=[case.pk, name]), PurePath(stored.name).name)
        for name, (field, label) in DOCUMENTS.items()
        if (stored := getattr(case, field))
    ]


def assign(request, pk):
    case = _managed_case(request, pk)
    form = AssignForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_reviewer(case, user=request.user, **form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已分配审核专家 %(name)s。")
                % {"name": display_name(form.cleaned_data["reviewer"])},
            )
            return redirect("workflow:assign", case.pk)
    assignments = (
        ReviewAssignment.objects.filter(track__case=case)
        .select_related("track", "reviewer", "opinion")
        .order_by("round", "track", "pk")
    )
    return TemplateResponse(
        request,
        "workflow/admin/assign.html",
        {
            **case_screen(case, _("分配审核专家")),
            "case": case,
            "form": form,
            "assignments": assignments,
        },
    )


def _admin_action(request, pk, operation, success):
    case = _case_for(request, pk)
    try:
        result = operation(case)
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(result))
    return redirect("workflow:case", case.pk)


def _decision(request, case):
    form = DecideForm(request.POST)
    if not form.is_valid():
        raise services.WorkflowError(_("请从列表中选择送审类型。"))
    return services.decide(case, user=request.user, **form.cleaned_data)


@require_POST
def decide(request, pk):
    return _admin_action(
        request,
        pk,
        lambda case: _decision(request, case),
        lambda case: _("审核结论：%(state)s。") % {"state": case.get_state_display()},
    )


@require_POST
def publish(request, pk):
    return _admin_action(
        request,
        pk,
        lambda case: services.publish(case, user=request.user),
        lambda edition: _("已发布第 %(version)s 版。") % {"version": edition.version},
    )


@require_POST
def withdraw(request, pk):
    return _admin_action(
        request,
        pk,
        lambda case: services.withdraw(
            case, user=request.user, reason=request.POST.get("reason", "")
        ),
        lambda case: _("已撤回。"),
    )


def replace(request, pk):
    """Hand a reviewer's open task to another reviewer, with a new due date."""
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("track", "reviewer"), pk=pk
    )
    case = _managed_case(request, assignment.track.case_id)
    form = ReplaceForm(request.POST or None, track=assignment.track)
    if request.method == "POST" and form.is_valid():
        try:
            services.replace_reviewer(assignment, user=request.user, **form.cleaned_data)
        except services.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已由 %(new)s 接替 %(old)s。")
                % {
                    "new": display_name(form.cleaned_data["reviewer"]),
                    "old": display_name(assignment.reviewer),
                },
            )
            return redirect("workflow:case", case.pk)
    return TemplateResponse(
        request,
        "workflow/admin/replace.html",
        {
            **case_screen(case, _("替换审核专家")),
            "case": case,
            "assignment": assignment,
            "form": form,
        },
    )


def cancel(request, pk):
    """Confirm, with a reason, that an open case ends here (Wagtail's confirmation page)."""
    case = _managed_case(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(case, user=request.user, reason=form.cleaned_data["reason"])
        except services.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("审核案已取消，该教材可以重新送审。"))
            return redirect("workflow:case", case.pk)
    return TemplateResponse(
        request,
        "workflow/admin/cancel.html",
        {
            **case_screen(case, _("取消审核案")),
            "header_icon": "warning",
            "case": case,
            "form": form,
        },
    )


def baseline_edition(case):
    """The edition a case's changes are compared with: the one current when it was made."""
    published = getattr(case, "edition", None)
    if published is not None:
        return getattr(published, "predecessor", None)
    return services.current_edition(case.textbook)


def review(request, pk):
    """The reviewer's screen: the front matter and each pinned leaf rendered beside the
    current edition's, and the table of contents the case would publish."""
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("track__case__textbook"), pk=pk
    )
    if assignment.reviewer_id != request.user.pk:
        raise PermissionDenied
    case = assignment.track.case
    form = OpinionForm(request.POST or None)
    answered = hasattr(assignment, "opinion")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.record_opinion(
                assignment,
                user=request.user,
                scores={k: data.pop(k) for k in services.review.SCORE_FIELDS},
                **data,
            )
        except services.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("审核意见已提交。"))
            return redirect("workflow:case", case.pk)
    edition = baseline_edition(case)
    before = {row.page_id: row.revision for row in edition.leaves.all()} if edition else {}
    before_pins, after_pins = edition_pins(edition), case_pins(case)
    leaves = [
        {
            "pin": pin,
            "after": None if pin.change_type == ChangeType.REMOVED else pin.revision.as_object(),
            "before": before[pin.page_id].as_object() if pin.page_id in before else None,
            "changes": compare_leaf(before[pin.page_id], pin.revision, before_pins, after_pins)
            if pin.change_type == ChangeType.CHANGED and pin.page_id in before
            else [],
        }
        for pin in case.pinned_revisions.select_related("revision", "page")
    ]
    contents, removed = submitted_contents(case, edition)
    fields = front_matter(edition.textbook_revision if edition else None, case.textbook_revision)
    return TemplateResponse(
        request,
        "workflow/admin/review.html",
        {
            **case_screen(
                case,
                _("审核：%(title)s（%(track)s）")
                % {"title": case.textbook.title, "track": assignment.track.get_kind_display()},
            ),
            "assignment": assignment,
            "case": case,
            "documents": _documents(case),
            "front_matter": fields,
            "front_matter_changes": front_matter_changes(fields),
            "contents": contents,
            "reordered": any(entry.moved for entry in contents),
            "removed": removed,
            "leaves": leaves,
            "edition": edition,
            # Each side shows the resources as its edition, or this case, pins them.
            "before_assets": edition_assets(edition) if edition else None,
            "after_assets": case_assets(case),
            "form": form,
            "answered": answered,
            "open": not answered
            and case.state == CaseState.IN_REVIEW
            and assignment.round == case.round
            and assignment.state == AssignmentState.ACTIVE,
        },
    )
