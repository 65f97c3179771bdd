"""Old editions stay readable, and teachers see what changed between two of them:
/textbooks/<slug>/editions/[<version>/[<leaf-slug>/]] and .../<old>/compare/<new>/; and print
them: .../<version>/print.pdf and, for loose-leaf textbooks, .../<old>/replace/<new>.pdf.

Only what an edition's manifest pins is shown, and manifests hold published revisions only.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cms.site import breadcrumbs
from media.storage import MediaStorageError
from media.views import serve_key
from textbooks.models import Textbook
from workflow.archives import archived_print, archived_replacement_pack
from workflow.models import Edition
from workflow.printing import resource_qr, unavailable_reason
from workflow.services.assets import edition_pins
from workflow.services.diff import diff_editions
from workflow.services.reading import edition_history, leaf_reading, neighbours, pinned_leaf


def get_edition(slug, version):
    textbook = get_object_or_404(Textbook, slug=slug)
    try:
        return Edition.objects.filter(textbook=textbook).get_by_version(version)
    except Edition.DoesNotExist as exc:
        raise Http404 from exc


def leaf_url(edition, slug):
    """Where a leaf of ``edition`` is read: its own page for the current edition, under the
    edition for an old one."""
    if edition.is_current:
        return f"{edition.textbook.page.url}{slug}/"
    return reverse("editions:leaf", args=[edition.textbook.slug, edition.version, slug])


def _qr_codes(edition):
    """The ``resource_qr`` of a page of ``edition`` (see media_tags.resource_qr): the code
    printed beside each asset the edition pins."""
    pins = edition_pins(edition)

    def qr(asset):
        return resource_qr(asset, edition) if asset.pk in pins else None

    qr.do_not_call_in_templates = True
    return qr


def leaf_context(edition, leaf, textbook_page):
    """What a leaf page of ``edition`` shows besides the leaf: its edition and resources
    (workflow.services.reading.leaf_reading), QR codes, where it sits, the leaves before and
    after it in the edition's order."""
    context = leaf_reading(edition, leaf, textbook_page)
    previous, following = neighbours(edition, leaf)
    context.update(
        resource_qr=_qr_codes(edition),
        breadcrumbs=breadcrumbs.leaf(edition, leaf),
        leaf_nav=[
            (rel, entry, leaf_url(edition, entry.slug))
            for rel, entry in (("prev", previous), ("next", following))
            if entry is not None
        ],
    )
    return context


def edition_list(request, slug):
    textbook = get_object_or_404(Textbook, slug=slug)
    history = edition_history(textbook)
    if not history:  # a textbook without an edition is not public
        raise Http404
    return TemplateResponse(
        request,
        "cms/editions/edition_list.html",
        {
            "textbook": textbook,
            "history": history,
            "breadcrumbs": breadcrumbs.here(breadcrumbs.editions(textbook)),
        },
    )


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
            "breadcrumbs": breadcrumbs.here(breadcrumbs.edition(edition)),
        },
    )


def edition_leaf(request, slug, version, leaf_slug):
    edition = get_edition(slug, version)
    leaf = pinned_leaf(edition, slug=leaf_slug)
    if leaf is None:
        raise Http404
    context = {"page": leaf, "self": leaf}
    context.update(leaf_context(edition, leaf, edition.textbook.page))
    return TemplateResponse(request, "textbooks/unit_page.html", context)


def edition_compare(request, slug, old, new):
    # Editions are published content: their comparison is as public as they are.
    old_edition, new_edition = get_edition(slug, old), get_edition(slug, new)
    label = _("第 %(old)s 版 → 第 %(new)s 版") % {
        "old": old_edition.version,
        "new": new_edition.version,
    }
    return TemplateResponse(
        request,
        "cms/editions/edition_compare.html",
        {
            "textbook": old_edition.textbook,
            "diff": diff_editions(old_edition, new_edition),
            "breadcrumbs": breadcrumbs.here(breadcrumbs.editions(old_edition.textbook), label),
        },
    )


def _pdf(key, filename):
    response = serve_key(key, "application/pdf", public=True)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _print_unavailable(request, edition):
    """Not a 5xx page but what to do: enable PDFs, or wait for the archive."""
    context = {"edition": edition, "textbook": edition.textbook, "reason": unavailable_reason()}
    response = TemplateResponse(request, "cms/editions/print_unavailable.html", context, status=503)
    response["Retry-After"] = "3600"
    return response


def edition_print(request, slug, version):
    """The edition's print PDF, as made once into its archive (never from the live pages)."""
    edition = get_edition(slug, version)
    key = archived_print(edition)
    if key is None:
        return _print_unavailable(request, edition)
    return _pdf(key, f"{slug}-{edition.version}.pdf")


def replacement_pack(request, slug, old, new):
    """What a loose-leaf binder of ``old`` needs to become ``new``: made on first request and
    kept (both editions are immutable, so the pack is)."""
    old_edition, new_edition = get_edition(slug, old), get_edition(slug, new)
    textbook = old_edition.textbook
    if not textbook.is_loose_leaf or (old_edition.major, old_edition.minor) >= (
        new_edition.major,
        new_edition.minor,
    ):
        raise Http404
    if unavailable_reason():
        return _print_unavailable(request, new_edition)
    try:
        key = archived_replacement_pack(old_edition, new_edition)
    except MediaStorageError:
        return _print_unavailable(request, new_edition)
    return _pdf(key, f"{slug}-{old_edition.version}-{new_edition.version}.pdf")
