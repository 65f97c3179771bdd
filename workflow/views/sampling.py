"""Admin screens of sampling checks and retirement. Thin: who may, a form, one service call.

Outside the viewer's scope a campaign, check or retirement case does not exist (404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from media.storage import private_storage
from media.views import serve_key
from textbooks import scope
from textbooks.models import PROVINCES, Textbook
from workflow.forms import (
    CampaignForm,
    CheckResultForm,
    DrawForm,
    InspectionReportForm,
    InspectorForm,
    ProposeRetirementForm,
    RetirementDecisionForm,
)
from workflow.models import (
    CampaignState,
    CheckState,
    RetirementProposal,
    SamplingCampaign,
    SamplingCheck,
    SamplingEvidence,
)
from workflow.services import retirement, sampling
from workflow.services.documents import content_type_of
from workflow.services.errors import WorkflowError
from workflow.services.rules import recusal_reason
from workflow.views import screens


def _require_administrator(request):
    if not scope.is_administrator(request.user):
        raise PermissionDenied


def campaign_list(request):
    """Campaigns in scope, a form to start one, and the inspector's own open tasks."""
    is_admin = scope.is_administrator(request.user)
    form = None
    if is_admin:
        provinces = scope.province_choices(request.user)
        form = CampaignForm(
            request.POST or None,
            provinces=provinces if provinces is not None else PROVINCES,
        )
        if request.method == "POST" and form.is_valid():
            try:
                campaign = sampling.create_campaign(user=request.user, **form.cleaned_data)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已创建%(campaign)s。") % {"campaign": campaign})
                return redirect("workflow:sampling_campaign", campaign.pk)
    elif request.method == "POST":
        raise PermissionDenied
    campaigns = (
        sampling.visible_campaigns(request.user).annotate(drawn=Count("checks", distinct=True))
        if is_admin
        else SamplingCampaign.objects.none()
    )
    return TemplateResponse(
        request,
        "workflow/admin/sampling/campaign_list.html",
        {
            "campaigns": campaigns,
            "form": form,
            "my_inspections": sampling.my_open_inspections(request.user),
            "cycles": sampling.cycles() if is_admin else [],
            "heading": screens.sampling()[0],
            "breadcrumbs": screens.breadcrumbs((screens.sampling()[0], None)),
            "header_icon": "doc-full",
        },
    )


def _campaign_for(request, pk):
    _require_administrator(request)
    return get_object_or_404(sampling.visible_campaigns(request.user), pk=pk)


def campaign_detail(request, pk):
    campaign = _campaign_for(request, pk)
    manages = sampling.can_manage_campaign(request.user, campaign)
    provinces = scope.administered_provinces(request.user)
    if campaign.province:
        provinces = [campaign.province]
    checks = campaign.checks.select_related("textbook").annotate(
        inspectors=Count("inspections"),
        reported=Count("inspections", filter=Q(inspections__submitted_at__isnull=False)),
    )
    if provinces is not scope.EVERY_PROVINCE:
        checks = checks.filter(province__in=provinces)
    return TemplateResponse(
        request,
        "workflow/admin/sampling/campaign_detail.html",
        {
            "campaign": campaign,
            "coverage": sampling.coverage_by_province(campaign.cycle, provinces)
            if campaign.drawn_at
            else [],
            "checks": checks[:500],
            "check_count": checks.count(),
            "draw_form": DrawForm() if manages and campaign.state == CampaignState.DRAFT else None,
            "can_conclude": manages
            and campaign.state in (CampaignState.DRAWN, CampaignState.INSPECTING),
            "heading": str(campaign),
            "breadcrumbs": screens.breadcrumbs(screens.sampling(), (str(campaign), None)),
            "header_icon": "doc-full",
        },
    )


@require_POST
def draw(request, pk):
    campaign = _campaign_for(request, pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("随机种子须为非负整数。"))
        return redirect("workflow:sampling_campaign", campaign.pk)
    try:
        result = sampling.draw(campaign, user=request.user, seed=form.cleaned_data["seed"])
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已抽取 %(count)d 种教材（随机种子 %(seed)s）。")
            % {"count": len(result.sample), "seed": result.seed},
        )
    return redirect("workflow:sampling_campaign", campaign.pk)


@require_POST
def conclude(request, pk):
    campaign = _campaign_for(request, pk)
    try:
        sampling.conclude(campaign, user=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("抽查已结束。"))
    return redirect("workflow:sampling_campaign", campaign.pk)


def _check_for(request, pk):
    check = get_object_or_404(
        SamplingCheck.objects.select_related("textbook", "campaign", "corrective_case"), pk=pk
    )
    if not sampling.can_view_check(request.user, check):
        raise Http404
    return check


def check_detail(request, pk):
    """A drawn textbook: its inspectors and their reports, the result, its rectification.
    Administrators of the campaign assign and decide; an inspector reports here."""
    check = _check_for(request, pk)
    user = request.user
    manages = sampling.can_manage_campaign(user, check.campaign)
    recusal = recusal_reason(user, check.textbook) if manages else None
    acts = manages and recusal is None
    mine = check.inspections.filter(inspector=user, submitted_at__isnull=True).first()
    assign_form = report_form = result_form = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign" and acts:
                assign_form = InspectorForm(request.POST, textbook=check.textbook)
                if assign_form.is_valid():
                    data = assign_form.cleaned_data
                    sampling.assign_inspector(
                        check, user=user, inspector=data["reviewer"], due_date=data["due_date"]
                    )
                    messages.success(
                        request, _("已分配检查专家 %(name)s。") % {"name": data["reviewer"]}
                    )
                    return redirect("workflow:sampling_check", check.pk)
            elif action == "report" and mine is not None:
                report_form = InspectionReportForm(request.POST, request.FILES)
                if report_form.is_valid():
                    data = dict(report_form.cleaned_data)
                    sampling.submit_inspection(
                        mine,
                        user=user,
                        scores={k: data.pop(k) for k in sampling.SCORE_FIELDS},
                        **data,
                    )
                    messages.success(request, _("检查报告已提交。"))
                    return redirect("workflow:sampling_check", check.pk)
            elif action == "decide" and acts:
                result_form = CheckResultForm(request.POST)
                if result_form.is_valid():
                    data = result_form.cleaned_data
                    check = sampling.decide_check(
                        check, user=user, passed=data["result"] == "pass", reason=data["reason"]
                    )
                    messages.success(
                        request, _("检查结论：%(state)s。") % {"state": check.get_state_display()}
                    )
                    return redirect("workflow:sampling_check", check.pk)
            else:
                raise PermissionDenied
        except WorkflowError as exc:
            form = assign_form or report_form or result_form
            form.add_error(None, exc.message)
    inspections = check.inspections.select_related("inspector").prefetch_related("evidence")
    open_for_work = check.state in (CheckState.PENDING, CheckState.INSPECTING)
    return TemplateResponse(
        request,
        "workflow/admin/sampling/check_detail.html",
        {
            "check": check,
            "inspections": inspections,
            "show_reports": manages or scope.administers(user, check.textbook),
            "recusal": recusal,
            "assign_form": (assign_form or InspectorForm(textbook=check.textbook))
            if acts and open_for_work
            else None,
            "report_form": (report_form or InspectionReportForm())
            if mine is not None and check.state == CheckState.INSPECTING
            else None,
            "result_form": (result_form or CheckResultForm())
            if acts and check.state == CheckState.INSPECTING
            else None,
            "missing": sampling.missing_reports(check)
            if check.state == CheckState.INSPECTING
            else None,
            **_check_screen(request.user, check),
        },
    )


def _check_screen(user, check):
    """Heading and breadcrumbs of a check; an inspector cannot open the campaign."""
    heading = _("抽查：%(title)s") % {"title": check.textbook.title}
    trail = [screens.sampling()]
    if (
        scope.is_administrator(user)
        and sampling.visible_campaigns(user).filter(pk=check.campaign_id).exists()
    ):
        trail.append(screens.campaign(check.campaign))
    return {
        "heading": heading,
        "breadcrumbs": screens.breadcrumbs(*trail, (heading, None)),
        "header_icon": "doc-full",
    }


@never_cache
def evidence(request, pk, evidence_id):
    """An evidence file, to the campaign's administrators and the check's inspectors."""
    check = _check_for(request, pk)
    stored = get_object_or_404(SamplingEvidence, pk=evidence_id, inspection__sampling_check=check)
    return serve_key(
        stored.file.name, content_type_of(stored.file.name), public=False, store=private_storage()
    )


def report(request):
    """Coverage by province and tier, pass rate, rectifications, retirements by reason."""
    _require_administrator(request)
    cycles = sampling.cycles()
    raw = request.GET.get("cycle", "")
    if raw and not (raw.isdigit() and int(raw) in cycles):
        raise Http404
    cycle = int(raw) if raw else (cycles[0] if cycles else None)
    data = (
        sampling.cycle_report(cycle, scope.administered_provinces(request.user)) if cycle else None
    )
    return TemplateResponse(
        request,
        "workflow/admin/sampling/report.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "report": data,
            "heading": _("抽查统计"),
            "breadcrumbs": screens.breadcrumbs(screens.sampling(), (_("抽查统计"), None)),
            "header_icon": "doc-full",
        },
    )


# --- retirement ----------------------------------------------------------------------


def retirement_list(request):
    _require_administrator(request)
    textbooks = scope.administered_textbooks(request.user)
    proposals = RetirementProposal.objects.filter(textbook__in=textbooks).select_related(
        "textbook", "proposed_by", "decided_by"
    )
    return TemplateResponse(
        request,
        "workflow/admin/retirement/list.html",
        {
            "open": proposals.filter(state="proposed").order_by("proposed_on", "pk"),
            "decided": proposals.exclude(state="proposed").order_by("-decided_at")[:100],
            "heading": screens.retirements()[0],
            "breadcrumbs": screens.breadcrumbs(
                screens.sampling(), (screens.retirements()[0], None)
            ),
            "header_icon": "warning",
        },
    )


def retirement_detail(request, pk):
    _require_administrator(request)
    proposal = get_object_or_404(
        RetirementProposal.objects.filter(
            textbook__in=scope.administered_textbooks(request.user)
        ).select_related("textbook", "sampling_check__campaign", "successor"),
        pk=pk,
    )
    recusal = recusal_reason(request.user, proposal.textbook) if proposal.is_open else None
    form = None
    if proposal.is_open and recusal is None:
        form = RetirementDecisionForm(
            request.POST or None, successors=retirement.successor_choices(proposal.textbook)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "retire":
                    retirement.retire(
                        proposal,
                        user=request.user,
                        reason=data["reason"],
                        successor=data["successor"],
                    )
                    messages.success(request, _("该教材已退出。"))
                else:
                    retirement.dismiss(proposal, user=request.user, reason=data["reason"])
                    messages.success(request, _("已决定不予退出。"))
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("workflow:retirement", proposal.pk)
    elif request.method == "POST":
        raise PermissionDenied
    heading = _("退出案：%(title)s（%(reason)s）") % {
        "title": proposal.textbook.title,
        "reason": proposal.get_reason_display(),
    }
    return TemplateResponse(
        request,
        "workflow/admin/retirement/detail.html",
        {
            "proposal": proposal,
            "form": form,
            "recusal": recusal,
            "heading": heading,
            "breadcrumbs": screens.breadcrumbs(
                screens.sampling(), screens.retirements(), (heading, None)
            ),
            "header_icon": "warning",
        },
    )


def propose_retirement(request, textbook_id):
    """From the textbook's admin page: an administrator in scope proposes its retirement."""
    textbook = get_object_or_404(Textbook, pk=textbook_id)
    if not scope.administers(request.user, textbook):
        raise PermissionDenied
    form = ProposeRetirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = retirement.propose(textbook, user=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已提出退出建议。"))
            return redirect("workflow:retirement", proposal.pk)
    heading = _("提出退出建议：%(title)s") % {"title": textbook.title}
    return TemplateResponse(
        request,
        "workflow/admin/retirement/propose.html",
        {
            "textbook": textbook,
            "form": form,
            "back": reverse("workflow:textbook_lifecycle", args=[textbook.pk]),
            "heading": heading,
            "breadcrumbs": screens.breadcrumbs(
                screens.textbooks(),
                (
                    _("%(title)s：版次与修订周期") % {"title": textbook.title},
                    reverse("workflow:textbook_lifecycle", args=[textbook.pk]),
                ),
                (heading, None),
            ),
            "header_icon": "warning",
        },
    )
