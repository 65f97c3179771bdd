"""Errata screens: the public report form on a leaf, and triage in the admin (/admin/reviews/errata/)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from workflow.forms import ErratumForm, ErratumTriageForm
from workflow.models import AuditLogEntry, Erratum, ErratumState
from workflow.services import WorkflowError, errata
from workflow.services.rules import administered_or_written
from workflow.views.public import _edition


def _leaf_url(request, edition, row):
    if edition.is_current and row.page.live:
        return row.page.get_url(request=request)
    return reverse(
        "editions:leaf", args=[edition.textbook.slug, edition.version, row.revision.content["slug"]]
    )


def report(request, slug, version, leaf_slug):
    """GET: the form; POST: validate, rate-limit, save, then back here with a thank-you."""
    edition = _edition(slug, version)
    row = errata.leaf_in_edition(edition, leaf_slug)
    if row is None:
        raise Http404
    form = ErratumForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                errata.report(
                    edition,
                    leaf_slug,
                    address=request.META.get("REMOTE_ADDR", ""),
                    **form.cleaned_data,
                )
            except errata.RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                messages.success(
                    request, _("感谢您的勘误报告！编写团队核实后将在下一次修订中更正。")
                )
                return redirect(request.path)
    return TemplateResponse(
        request,
        "workflow/erratum_report.html",
        {
            "edition": edition,
            "leaf": row.revision.as_object(),
            "leaf_url": _leaf_url(request, edition, row),
            "form": form,
        },
        status=status,
    )


def visible_errata(user):
    """Errata of the textbooks ``user`` administers or writes."""
    scope = administered_or_written(user)
    found = Erratum.objects.all() if scope is None else Erratum.objects.filter(scope).distinct()
    return found.select_related("textbook", "edition", "leaf", "fixed_in")


STATE_FILTERS = {
    "open": [ErratumState.NEW, ErratumState.TRIAGED],
    "accepted": [ErratumState.ACCEPTED],
    "closed": [ErratumState.DECLINED, ErratumState.DUPLICATE],
}


def errata_list(request):
    shown = request.GET.get("state", "open")
    found = visible_errata(request.user)
    if shown in STATE_FILTERS:
        found = found.filter(state__in=STATE_FILTERS[shown])
    return TemplateResponse(
        request,
        "workflow/admin/errata_list.html",
        {"errata": found[:500], "shown": shown},
    )


def erratum_detail(request, pk):
    erratum = get_object_or_404(
        Erratum.objects.select_related("textbook", "edition", "leaf"), pk=pk
    )
    if not errata.can_triage(request.user, erratum.textbook):
        raise PermissionDenied
    form = ErratumTriageForm(request.POST or None, erratum=erratum)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        operation = {
            "triage": lambda: errata.triage(erratum, user=request.user, reason=data["reason"]),
            "accept": lambda: errata.accept(erratum, user=request.user, reason=data["reason"]),
            "decline": lambda: errata.decline(erratum, user=request.user, reason=data["reason"]),
            "duplicate": lambda: errata.mark_duplicate(
                erratum, user=request.user, original=data["original"], reason=data["reason"]
            ),
        }[data["action"]]
        try:
            done = operation()
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("勘误状态：%(state)s。") % {"state": done.get_state_display()}
            )
            return redirect("workflow:erratum", erratum.pk)
    return TemplateResponse(
        request,
        "workflow/admin/erratum_detail.html",
        {
            "erratum": erratum,
            "form": form,
            "history": AuditLogEntry.objects.for_object(erratum).select_related("actor"),
        },
    )
