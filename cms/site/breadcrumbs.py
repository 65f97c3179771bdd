"""Where a public page sits (首页 › 教材目录 › 教材 › 版次 › 活页), for the shared breadcrumb
(cms/includes/breadcrumb.html). The last crumb is the page itself and has no link."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from textbooks.models import CatalogueIndexPage


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str = ""


def home():
    return [Crumb(_("首页"), "/")]


def catalogue():
    page = CatalogueIndexPage.objects.live().first()
    return [*home(), Crumb(_("教材目录"), page.url if page else "/textbooks/")]


def search(query=""):
    if not query:
        return [*home(), Crumb(_("教材检索"))]
    return [*home(), Crumb(_("教材检索"), reverse("catalogue_search")), Crumb(query)]


def notices():
    return [*home(), Crumb(_("规划教材公示"), reverse("notices:list"))]


def schools():
    return [*home(), Crumb(_("学校教材选用"), reverse("schools:list"))]


def textbook(book):
    return [*catalogue(), Crumb(book.title, book.page.url)]


def editions(book):
    return [*textbook(book), Crumb(_("版次沿革"), reverse("editions:list", args=[book.slug]))]


def edition(edition):
    return [
        *editions(edition.textbook),
        Crumb(
            _("第 %(version)s 版") % {"version": edition.version},
            reverse("editions:detail", args=[edition.textbook.slug, edition.version]),
        ),
    ]


def leaf_label(leaf):
    return f"{leaf.number} {leaf.title}".strip()


def leaf(edition_, leaf_, url=""):
    """A leaf of ``edition_``: under the textbook for the current edition, under the edition
    for an old one."""
    above = textbook(edition_.textbook) if edition_.is_current else edition(edition_)
    return [*above, Crumb(leaf_label(leaf_), url)]


def here(crumbs, label=None):
    """``crumbs`` ending at the page itself: the last crumb unlinked, or ``label`` added."""
    if label is not None:
        return [*crumbs, Crumb(label)]
    return [*crumbs[:-1], Crumb(crumbs[-1].label)]
