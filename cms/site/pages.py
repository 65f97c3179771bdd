"""The catalogue, textbook and leaf pages as teachers read them.

Wagtail serves these pages through the ``on_serve_page`` chain (cms/wagtail_hooks.py), after
its own checks such as view restrictions. A textbook's page and its leaves are read from the
current edition, never from live pages; the catalogue is the search index browsed without
words. The page models themselves (textbooks/) render only what they hold, which is what an
editor's preview shows.
"""

from django.http import Http404
from django.template.response import TemplateResponse

from cms.input import page_number
from cms.search import service
from cms.site import breadcrumbs
from cms.site.editions import leaf_context
from textbooks.models import CatalogueIndexPage, InstitutionKind, TextbookPage, UnitPage
from textbooks.names import display_name
from workflow.services import selection
from workflow.services.reading import current_leaf, textbook_reading


def _render(request, page, context):
    return TemplateResponse(request, page.get_template(request), context)


def catalogue(request, page):
    # Published editions only, with their edition numbers and badges, a page at a time
    # (tens of thousands of books).
    context = page.get_context(request)
    context["results"] = service.search("", page=page_number(request.GET))
    context["breadcrumbs"] = breadcrumbs.here(breadcrumbs.catalogue())
    return _render(request, page, context)


def credits(textbook):
    """Who made the book, as its page names them: editor-in-chief, the other authors, the
    co-developing schools and enterprises (校企双元), the publisher."""
    partners = list(textbook.co_developers.all())
    return {
        "chief": display_name(textbook.editor_in_chief),
        "authors": [
            display_name(user)
            for user in textbook.authors.order_by("pk")
            if user.pk != textbook.editor_in_chief_id
        ],
        "schools": [i.name for i in partners if i.kind == InstitutionKind.SCHOOL],
        "enterprises": [i.name for i in partners if i.kind == InstitutionKind.ENTERPRISE],
        "publisher": textbook.publisher.name if textbook.publisher else "",
    }


def textbook(request, page):
    """The textbook page as the current edition pins it (title, overview, preface) with the
    edition's leaves in their reviewed order. A textbook without an edition is not public."""
    reading = textbook_reading(page)
    if reading["edition"] is None:
        raise Http404
    pinned = reading["edition"].textbook_revision.as_object()
    context = pinned.get_context(request)
    context.update(reading)
    context["credits"] = credits(reading["textbook"])
    context["breadcrumbs"] = breadcrumbs.here(breadcrumbs.catalogue(), pinned.title)
    context["selection_term"] = selection.term_label(*selection.current_term())
    context["schools_selecting"] = selection.schools_selecting(page.textbook)
    return _render(request, pinned, context)


def leaf(request, page):
    """Teachers read the revision the current edition pins, never newer live content.

    A leaf the current edition does not contain, or of a textbook without an edition, is not
    found.
    """
    edition, pinned = current_leaf(page.textbook_page, page)
    if pinned is None:
        raise Http404
    context = pinned.get_context(request)
    context.update(leaf_context(edition, pinned, edition.textbook_revision.as_object()))
    return _render(request, pinned, context)


READERS = {CatalogueIndexPage: catalogue, TextbookPage: textbook, UnitPage: leaf}


def serve_published(next_serve):
    """Wagtail's ``on_serve_page`` chain link: the pages above, as published."""

    def serve(page, request, args, kwargs):
        reader = READERS.get(type(page))
        if reader is None:
            return next_serve(page, request, args, kwargs)
        return reader(request, page)

    return serve
