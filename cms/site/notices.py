"""The public notice (公示) of planning batches and the published lists (规划教材书目), with
the objection form: anyone may object, under a real name, while a batch is in notice."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cms.site import breadcrumbs
from cms.site.errata import client_address
from workflow.forms import ObjectionForm
from workflow.models import BatchState, EntryState, PlanBatch
from workflow.services import WorkflowError, planning
from workflow.services.ratelimit import RateLimited

PUBLIC_STATES = [BatchState.PUBLIC_NOTICE, BatchState.PUBLISHED, BatchState.CLOSED]


def notice_list(request):
    return TemplateResponse(
        request,
        "cms/notices/notice_list.html",
        {
            "notices": planning.notices(),
            "published": planning.published_lists(),
            "breadcrumbs": breadcrumbs.here(breadcrumbs.notices()),
        },
    )


def notice_detail(request, pk):
    """GET: the batch's recommended entries (or its list) and, in notice, the form; POST: an
    objection, then back here with a thank-you."""
    batch = get_object_or_404(PlanBatch.objects.filter(state__in=PUBLIC_STATES), pk=pk)
    entries = list(planning.public_entries(batch))
    open_to_objections = batch.state == BatchState.PUBLIC_NOTICE and not planning.notice_is_over(
        batch
    )
    objectable = [e for e in entries if e.state == EntryState.RECOMMENDED]
    form = ObjectionForm(request.POST or None, entries=objectable)
    status = 200
    if request.method == "POST":
        status = 400
        if not open_to_objections:
            form.add_error(None, _("该批次不在公示期内，不能提出异议。"))
        elif form.is_valid():
            data = form.cleaned_data
            entry = next(e for e in objectable if e.pk == data["entry"])
            try:
                planning.object_to(
                    entry,
                    address=client_address(request),
                    name=data["name"],
                    contact=data["contact"],
                    reason=data["reason"],
                )
            except RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("您的异议已提交，教材管理部门将核实并答复。"))
                return redirect(request.path)
    return TemplateResponse(
        request,
        "cms/notices/notice_detail.html",
        {
            "batch": batch,
            "entries": entries,
            "form": form if open_to_objections else None,
            "breadcrumbs": breadcrumbs.here(breadcrumbs.notices(), batch.title),
        },
        status=status,
    )
