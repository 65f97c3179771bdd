"""Atom feeds of what teachers are told about: new editions and the errata they correct, for
one textbook (/textbooks/<slug>/feed.atom) and for the whole catalogue (/textbooks/feed.atom).

Everything in them is public already: published editions and the errata their pages list as
corrected.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from textbooks.i18n import enumeration
from textbooks.models import Textbook
from workflow.models import ChangeCategory, Edition, Erratum

ENTRIES = 50


@dataclass
class Entry:
    title: str
    link: str
    summary: str
    updated: object
    categories: tuple = ()


def _edition_entry(edition):
    labels = dict(ChangeCategory.choices)
    categories = [str(labels.get(code, code)) for code in edition.change_categories]
    summary = edition.change_summary or _("首次出版。")
    if categories:
        summary += " " + _("修订类别：%(categories)s") % {"categories": enumeration(categories)}
    return Entry(
        title=_("《%(title)s》第 %(version)s 版发布")
        % {"title": edition.textbook.title, "version": edition.version},
        link=reverse("editions:detail", args=[edition.textbook.slug, edition.version]),
        summary=summary,
        updated=edition.published_at,
        categories=tuple(categories),
    )


def _erratum_entry(erratum):
    edition = erratum.fixed_in
    leaf_slug = edition.leaves.filter(page_id=erratum.leaf_id).values_list("page__slug", flat=True)
    if leaf_slug:
        link = reverse("editions:leaf", args=[edition.textbook.slug, edition.version, leaf_slug[0]])
    else:
        link = reverse("editions:detail", args=[edition.textbook.slug, edition.version])
    return Entry(
        title=_("《%(title)s》勘误已在第 %(version)s 版更正")
        % {"title": edition.textbook.title, "version": edition.version},
        link=f"{link}#erratum-{erratum.pk}",
        summary=_("原文：%(quoted)s；更正：%(correction)s")
        % {"quoted": erratum.quoted_text, "correction": erratum.correction},
        updated=edition.published_at,
        categories=(_("勘误"),),
    )


def entries(textbooks=None):
    """The latest entries, newest first: editions and the errata each corrected."""
    editions = Edition.objects.select_related("textbook").order_by("-published_at")
    errata = Erratum.objects.filter(fixed_in__isnull=False).select_related("fixed_in__textbook")
    if textbooks is not None:
        editions, errata = (
            editions.filter(textbook__in=textbooks),
            errata.filter(textbook__in=textbooks),
        )
    found = [_edition_entry(e) for e in editions[:ENTRIES]]
    found += [_erratum_entry(e) for e in errata.order_by("-fixed_in__published_at")[:ENTRIES]]
    return sorted(found, key=lambda entry: entry.updated, reverse=True)[:ENTRIES]


class CatalogueFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("职业教育教材：新版次与勘误")
    subtitle = gettext_lazy("教材目录中新发布的版次和已更正的勘误")
    author_name = gettext_lazy("职业教育教材")

    def link(self):
        return "/textbooks/"

    def feed_url(self):
        return reverse("feeds:catalogue")

    def items(self):
        return entries()

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.link

    def item_updateddate(self, item):
        return item.updated

    def item_pubdate(self, item):
        return item.updated

    def item_categories(self, item):
        return item.categories


class TextbookFeed(CatalogueFeed):
    def get_object(self, request, slug):
        # A textbook is public once an edition of it is.
        return get_object_or_404(
            Textbook.objects.filter(editions__isnull=False).distinct(), slug=slug
        )

    def title(self, textbook):
        return _("《%(title)s》：新版次与勘误") % {"title": textbook.title}

    def subtitle(self, textbook):
        return _("《%(title)s》新发布的版次和已更正的勘误") % {"title": textbook.title}

    def link(self, textbook):
        return textbook.page.url

    def feed_url(self, textbook):
        return reverse("feeds:textbook", args=[textbook.slug])

    def items(self, textbook):
        return entries([textbook])


catalogue = CatalogueFeed()
textbook = TextbookFeed()
