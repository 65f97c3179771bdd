"""The public catalogue search page (no login: teachers read without an account)."""

from django.template.response import TemplateResponse

from cms.input import identifiers, page_number
from cms.search import service
from cms.search.facets import FACET_KEYS, ID_FACET_KEYS
from cms.site import breadcrumbs

MAX_QUERY_LENGTH = 200


def catalogue_search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    filters = {key: request.GET.getlist(key) for key in FACET_KEYS}
    for key in ID_FACET_KEYS:
        identifiers(request.GET, key)
    results = service.search(query, filters, page=page_number(request.GET))
    return TemplateResponse(
        request,
        "cms/search.html",
        {"query": query, "results": results, "breadcrumbs": breadcrumbs.search(query)},
    )
