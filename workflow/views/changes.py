"""Admin: a textbook's lifecycle and what changed between its editions."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from textbooks import scope
from textbooks.models import Textbook
from workflow.models import AuditLogEntry, Edition, LifecycleState
from workflow.services.diff import diff_editions
from workflow.services.lifecycle import is_recently_updated, lifecycle_for
from workflow.views import screens


def textbook_lifecycle(request, textbook_id):
    """Admin: a textbook's lifecycle, clocks, editions, retirement proposals, and a comparison
    of any two of its editions (?old=1.0&new=1.1)."""
    textbook = get_object_or_404(Textbook, pk=textbook_id)
    user = request.user
    if not (user.has_perm("textbooks.view_textbook") or textbook.is_written_by(user)):
        raise PermissionDenied
    lifecycle = lifecycle_for(textbook)
    editions = list(Edition.objects.filter(textbook=textbook).order_by("-major", "-minor"))
    diff, error = None, ""
    old, new = request.GET.get("old"), request.GET.get("new")
    if old and new:
        found = Edition.objects.filter(textbook=textbook)
        try:
            diff = diff_editions(found.get_by_version(old), found.get_by_version(new))
        except Edition.DoesNotExist:
            error = _("找不到所选的版次。")
    elif len(editions) >= 2:
        diff = diff_editions(editions[1], editions[0])
    return TemplateResponse(
        request,
        "workflow/admin/textbook_lifecycle.html",
        {
            "heading": _("%(title)s：版次与修订周期") % {"title": textbook.title},
            "breadcrumbs": screens.breadcrumbs(
                screens.textbooks(),
                (_("%(title)s：版次与修订周期") % {"title": textbook.title}, None),
            ),
            "header_icon": "history",
            "textbook": textbook,
            "lifecycle": lifecycle,
            "history": AuditLogEntry.objects.for_object(lifecycle).select_related(
                "actor", "content_type"
            ),
            "proposals": textbook.retirement_proposals.all(),
            "administers": scope.administers(user, textbook),
            "can_propose": scope.administers(user, textbook)
            and lifecycle.state != LifecycleState.RETIRED,
            "editions": editions,
            "diff": diff,
            "error": error,
            "recently_updated": is_recently_updated(editions[0] if editions else None),
        },
    )
