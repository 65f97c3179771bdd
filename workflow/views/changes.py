"""What changed between two published editions, for teachers (public) and the admin."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from textbooks.models import Textbook
from workflow.models import Edition
from workflow.services.diff import diff_editions


def _diff(slug, old_version, new_version):
    textbook = get_object_or_404(Textbook, slug=slug)
    editions = Edition.objects.filter(textbook=textbook)
    try:
        old, new = editions.get_by_version(old_version), editions.get_by_version(new_version)
    except Edition.DoesNotExist as exc:
        raise Http404 from exc
    return textbook, diff_editions(old, new)


def edition_compare(request, slug, old, new):
    # Editions are published content: their comparison is as public as they are.
    textbook, diff = _diff(slug, old, new)
    return TemplateResponse(
        request, "workflow/edition_compare.html", {"textbook": textbook, "diff": diff}
    )
