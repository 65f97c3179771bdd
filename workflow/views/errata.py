"""Errata triage in the admin (/admin/reviews/errata/); teachers report on the public site."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from workflow.forms import ErratumTriageForm
from workflow.models import AuditLogEntry, Erratum, ErratumState
from workflow.services import WorkflowError, errata
from workflow.services.dashboard import AWAITING_TRIAGE, UNSETTLED_ERRATA
from workflow.services.rules import administered_or_written
from workflow.views import screens


def visible_errata(user):
    """Errata of the textbooks ``user`` administers or writes."""
    return Erratum.objects.filter(administered_or_written(user)).select_related(
        "textbook", "edition", "leaf", "fixed_in"
    )


STATE_FILTERS = {
    "new": Q(state__in=AWAITING_TRIAGE),
    "open": Q(state__in=[ErratumState.NEW, ErratumState.TRIAGED]),
    "unsettled": UNSETTLED_ERRATA,
    "accepted": Q(state=ErratumState.ACCEPTED),
    "closed": Q(state__in=[ErratumState.DECLINED, ErratumState.DUPLICATE]),
}


def errata_list(request):
    shown = request.GET.get("state", "open")
    found = visible_errata(request.user)
    if shown in STATE_FILTERS:
        found = found.filter(STATE_FILTERS[shown])
    return TemplateResponse(
        request,
        "workflow/admin/errata_list.html",
        {
            "heading": screens.errata()[0],
            "breadcrumbs": screens.breadcrumbs((screens.errata()[0], None)),
            "header_icon": "warning",
            "errata": found[:500],
            "shown": shown,
        },
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
            "heading": _("勘误 #%(pk)s") % {"pk": erratum.pk},
            "breadcrumbs": screens.breadcrumbs(
                screens.errata(), (_("勘误 #%(pk)s") % {"pk": erratum.pk}, None)
            ),
            "header_icon": "warning",
            "erratum": erratum,
            "form": form,
            "history": AuditLogEntry.objects.for_object(erratum).select_related(
                "actor", "content_type"
            ),
        },
    )
