"""Integers read from query strings and forms (page numbers, ids): the one place that decides
what a well-formed one is.

A value the database cannot hold (99999999999999999999) or that is not a number at all is the
client's mistake: it is refused with a 400 that names the parameter, never passed on to
overflow a query (a 500). ``str.isdigit`` is not enough: it accepts "²" and "١", which
``int()`` refuses or reads as another number.
"""

import re

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

DIGITS = re.compile(r"[0-9]{1,20}")
MAX_PAGE = 10**6  # far beyond any listing (tens of thousands of books, 20 a page)
MAX_ID = 2**63 - 1  # BigAutoField, the project's DEFAULT_AUTO_FIELD


class InvalidParameter(BadRequest):
    """A query or form parameter is malformed; ``name`` and ``message`` say which and why."""

    def __init__(self, name, message):
        super().__init__(_("参数 %(name)s 有误：%(message)s") % {"name": name, "message": message})
        self.name, self.message = name, message


def integer(params, name, *, default=None, minimum=1, maximum=MAX_ID, message=None, errors=None):
    """``params[name]`` as an int between ``minimum`` and ``maximum``; ``default`` when absent
    or empty. Anything else raises InvalidParameter (with ``message`` if given, else the
    range), or, given an ``errors`` dict (to report every bad parameter at once), is recorded
    there under ``name`` and ``default`` returned."""
    raw = params.get(name, "")
    raw = raw.strip() if isinstance(raw, str) else raw
    if raw in ("", None):
        return default
    if isinstance(raw, str) and DIGITS.fullmatch(raw) and minimum <= int(raw) <= maximum:
        return int(raw)
    message = message or _("须为 %(min)d 至 %(max)d 之间的整数。") % {
        "min": minimum,
        "max": maximum,
    }
    if errors is None:
        raise InvalidParameter(name, message)
    errors[name] = message
    return default


def page_number(params, name="page"):
    """The page of a listing a reader asks for: 1 when not given."""
    return integer(params, name, default=1, maximum=MAX_PAGE)


def identifiers(params, name):
    """Every value of a repeated id parameter (a facet such as ``course``), checked."""
    message = _("须为编号（正整数）。")
    return [integer({name: value}, name, message=message) for value in params.getlist(name)]
