"""A retired textbook's old address (a bookmark, a QR code in a printed copy): not a bare
"not found" but 410 Gone, saying the textbook has left the catalogue, when and why, and which
textbook replaces it. Only where there is nothing else to show: a retired textbook whose last
edition is still published keeps its pages, with the retirement notice on them. The page is
not the catalogue: search, the API and the catalogue's counts are unchanged."""

import re

from django.shortcuts import render

from cms.site import breadcrumbs
from workflow.services.retirement import departure

TEXTBOOK_PATH = re.compile(r"^/textbooks/(?P<slug>[-\w]+)/")


class RetiredTextbookMiddleware:
    """Turns a 404 under a retired textbook's address into its 410 page, whichever view
    answered and with DEBUG on or off (Django's debug 404 never reaches handler404). Listed
    above Wagtail's redirects middleware, so a redirect an editor set up still wins."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404:
            return gone(request) or response
        return response


def gone(request):
    """The 410 page if ``request`` asked for something under a retired textbook, else None."""
    found = TEXTBOOK_PATH.match(request.path)
    textbook = departure(found["slug"]) if found else None
    if textbook is None:
        return None
    context = {
        "textbook": textbook,
        "breadcrumbs": breadcrumbs.here(breadcrumbs.catalogue(), textbook.title),
    }
    return render(request, "cms/retired.html", context, status=410)
