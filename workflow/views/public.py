"""Old editions stay readable: /textbooks/<slug>/editions/<version>/[<leaf-slug>/].

Only what an edition's manifest pins is shown, and manifests hold published revisions only.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from textbooks.models import Textbook
from workflow.models import Edition


def _edition(slug, version):
    textbook = get_object_or_404(Textbook, slug=slug)
    try:
        return Edition.objects.filter(textbook=textbook).get_by_version(version)
    except Edition.DoesNotExist as exc:
        raise Http404 from exc


def edition_detail(request, slug, version):
    edition = _edition(slug, version)
    return TemplateResponse(
        request,
        "workflow/edition_detail.html",
        {
            "edition": edition,
            "textbook": edition.textbook,
            "page": edition.textbook_revision.as_object(),
            "leaves": [
                row.revision.as_object() for row in edition.leaves.select_related("revision")
            ],
        },
    )


def edition_leaf(request, slug, version, leaf_slug):
    edition = _edition(slug, version)
    for row in edition.leaves.select_related("revision"):
        leaf = row.revision.as_object()
        if leaf.slug == leaf_slug:
            return TemplateResponse(
                request,
                "textbooks/unit_page.html",
                {"page": leaf, "self": leaf, "edition": edition},
            )
    raise Http404
