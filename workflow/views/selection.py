"""Admin screens of selection and filing (选用备案): the committee's plans and the province's
review. Thin: who may see what, a form, one service call."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from textbooks import membership
from workflow.forms import LineForm, PlanForm, SelectionAnswerForm
from workflow.models import AuditLogEntry, SelectionLine, SelectionState
from workflow.services import WorkflowError, selection
from workflow.services.selection_rules import check
from workflow.views import screens

S = SelectionState


def plan_list(request):
    user = request.user
    schools = membership.committee_schools(user)
    year, season = selection.current_term()
    form = PlanForm(request.POST or None, schools=schools, initial={"year": year, "season": season})
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = selection.create_plan(user=user, **form.cleaned_data)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已创建选用计划。"))
                return redirect("workflow:selection_plan", plan.pk)
    plans = selection.plans_visible_to(user).select_related("school")
    return TemplateResponse(
        request,
        "workflow/admin/selection_list.html",
        {
            "form": form if schools.exists() else None,
            "plans": plans.order_by("-year", "season", "school__name")[:200],
            "to_review": selection.plans_to_review(user).select_related("school"),
            "heading": screens.selections()[0],
            "breadcrumbs": screens.breadcrumbs((screens.selections()[0], None)),
            "header_icon": "list-ul",
        },
    )


def _visible_plan(request, pk):
    """Outside the viewer's scope a plan does not exist (404)."""
    return get_object_or_404(
        selection.plans_visible_to(request.user).select_related("school"), pk=pk
    )


def plan_detail(request, pk):
    plan = _visible_plan(request, pk)
    member = selection.sits_on_committee(request.user, plan.school)
    editing = member and plan.state == S.DRAFT
    form = LineForm(request.POST or None) if editing else None
    if request.method == "POST":
        if not editing:
            raise PermissionDenied
        if form.is_valid():
            try:
                selection.save_line(plan, user=request.user, **form.cleaned_data)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("已保存课程“%(course)s”的选用。")
                    % {"course": form.cleaned_data["course"].name},
                )
                return redirect("workflow:selection_plan", plan.pk)
    approvals = list(selection.approvals(plan))
    return TemplateResponse(
        request,
        "workflow/admin/selection_plan.html",
        {
            "plan": plan,
            "lines": plan.lines.select_related("course", "edition__textbook"),
            "violations": check(plan) if plan.state in (S.DRAFT, S.PUBLIC_NOTICE) else [],
            "approvals": approvals,
            "quorum": selection.quorum(plan.school),
            "committee": membership.committee_of(plan.school),
            "form": form,
            "editing": editing,
            "member": member,
            "approved_by_me": any(a.member_id == request.user.pk for a in approvals),
            "notice_over": selection.notice_is_over(plan),
            "can_review": plan.state == S.FILED and selection.can_review(request.user, plan),
            "history": AuditLogEntry.objects.for_object(plan).select_related("actor"),
            "heading": screens.selection(plan)[0],
            "breadcrumbs": screens.breadcrumbs(
                screens.selections(), (screens.selection(plan)[0], None)
            ),
            "header_icon": "list-ul",
        },
    )


ACTIONS = {
    "approve": (selection.approve, gettext_lazy("已记录您的同意。")),
    "start_notice": (selection.start_notice, gettext_lazy("已开始校内公示。")),
    "file": (selection.file_plan, gettext_lazy("已报备省级教材管理部门。")),
    "revise": (selection.revise, gettext_lazy("选用计划已退回草稿，可以修改。")),
}


@require_POST
def plan_action(request, pk, action):
    plan = _visible_plan(request, pk)
    if action not in ACTIONS:
        raise Http404
    operation, success = ACTIONS[action]
    try:
        operation(plan, user=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(success))
    return redirect("workflow:selection_plan", plan.pk)


@require_POST
def remove_line(request, pk, line_id):
    plan = _visible_plan(request, pk)
    line = get_object_or_404(SelectionLine, plan=plan, pk=line_id)
    try:
        selection.remove_line(line, user=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除该课程的选用。"))
    return redirect("workflow:selection_plan", plan.pk)


def review(request, pk):
    """The province accepts a filed plan or returns it with reasons (a confirmation page)."""
    plan = _visible_plan(request, pk)
    if not selection.can_review(request.user, plan):
        raise PermissionDenied
    form = SelectionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = selection.answer(plan, user=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("选用计划：%(state)s。") % {"state": plan.get_state_display()}
            )
            return redirect("workflow:selection_plan", plan.pk)
    return TemplateResponse(
        request,
        "workflow/admin/selection_review.html",
        {
            "plan": plan,
            "lines": plan.lines.select_related("course", "edition__textbook"),
            "form": form,
            "heading": _("审核选用备案：%(school)s %(term)s")
            % {"school": plan.school.name, "term": plan.term_label},
            "breadcrumbs": screens.breadcrumbs(
                screens.selections(), screens.selection(plan), (_("审核备案"), None)
            ),
        },
    )
