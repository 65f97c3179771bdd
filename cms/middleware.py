"""Requests no page can answer are refused before any view sees them."""

import logging

from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import InvalidPage
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


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


# What Wagtail's admin views raise on input its own screens never send: an id that is not a
# number or too large for the database (ValueError, OverflowError, ValidationError from a
# lookup), a ?next= that names no URL (NoReverseMatch), a page number out of range
# (InvalidPage), a form field missing (KeyError). Found by tests/test_hostile_input.py.
FRAMEWORK_INPUT_ERRORS = (
    ValueError,
    OverflowError,
    ValidationError,
    NoReverseMatch,
    InvalidPage,
    KeyError,
)


class FrameworkBadInputMiddleware:
    """Wagtail's own admin views answer malformed parameters with 400, not 500.

    The project's views check their parameters where they read them (cms.input, the page
    editor's form); Wagtail's cannot be changed there, so their failures on bad input are
    translated here, and only theirs: views whose code is Wagtail's, and only the exception
    types above. Anything else, and the same exceptions from the project's views, stays a
    500 (a bug to fix). Each translation is logged with its traceback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if match is None or not isinstance(exception, FRAMEWORK_INPUT_ERRORS):
            return None
        if not _module_of(match.func).startswith("wagtail."):
            return None
        logger.warning("Bad input to %s: %r", request.path, exception, exc_info=exception)
        raise BadRequest(_("请求参数有误，无法处理。")) from exception


def _module_of(view):
    view_class = getattr(view, "view_class", None)
    return (view_class or view).__module__
