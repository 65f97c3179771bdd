"""Old editions stay readable, and teachers see what changed between two of them:
/textbooks/<slug>/editions/<version>/[<leaf-slug>/] and .../<old>/compare/<new>/.

Only what an edition's manifest pins is shown, and manifests hold published revisions only.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from textbooks.models import Textbook
from workflow.models import Edition
from workflow.services.diff import diff_editions
from workflow.services.reading import leaf_reading, pinned_leaf


def get_edition(slug, version):
    textbook = get_object_or_404(Textbook, slug=slug)
    try:
        return Edition.objects.filter(textbook=textbook).get_by_version(version)
    except Edition.DoesNotExist as exc:
        raise Http404 from exc


def edition_detail(request, slug, version):
    edition = get_edition(slug, version)
    return TemplateResponse(
        request,
        "cms/editions/edition_detail.html",
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
    edition = get_edition(slug, version)
    leaf = pinned_leaf(edition, slug=leaf_slug)
    if leaf is None:
        raise Http404
    context = {"page": leaf, "self": leaf}
    context.update(leaf_reading(edition, leaf, edition.textbook.page))
    return TemplateResponse(request, "textbooks/unit_page.html", context)


def edition_compare(request, slug, old, new):
    # Editions are published content: their comparison is as public as they are.
    old_edition, new_edition = get_edition(slug, old), get_edition(slug, new)
    return TemplateResponse(
        request,
        "cms/editions/edition_compare.html",
        {"textbook": old_edition.textbook, "diff": diff_editions(old_edition, new_edition)},
    )
