"""Requests no page can answer are refused before any view sees them."""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """A NUL character (\\x00) in the path, the query or a form field is refused with 400.

    No link or form of the site produces one, and PostgreSQL cannot store or compare text
    containing it: passed on, it would fail deep in a query (a 500) on whichever view reads
    it. Checking here covers every view, Wagtail's and Django's included. Uploaded files are
    not looked at: their bytes are checked by type (media/validation.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            raise BadRequest(_("请求中含有不允许的空字符（NUL）。"))
        return self.get_response(request)


def _has_nul(params):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())
