from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

HOME_RECENT_COUNT = 6


class HomePage(Page):
    intro = RichTextField(_("简介"), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        """Entry points come from the search service, so they count published textbooks only."""
        from cms.search import service
        from cms.search.facets import RECENTLY_UPDATED, TRUE
        from textbooks.models import CatalogueIndexPage

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = CatalogueIndexPage.objects.child_of(self).live().first()
        facets = {facet.key: facet for facet in service.search("", {}, per_page=1).facets}
        context["categories"] = facets["major_category"]
        context["course_types"] = facets["course_type"]
        context["recent"] = service.search(
            "", {RECENTLY_UPDATED: [TRUE]}, per_page=HOME_RECENT_COUNT
        )
        return context


# The catalogue search index lives in cms.search; its models belong to this app.
from cms.search.models import (  # noqa: E402, F401
    CatalogueCell,
    CatalogueCube,
    CatalogueDay,
    CatalogueEntry,
    CatalogueFacet,
    CatalogueTerm,
    CatalogueTermDay,
    CatalogueTermFacet,
    ElasticsearchBacklog,
)


class Subscription(models.Model):
    """A reader's e-mail subscription to a textbook's new editions (double opt-in).

    Owned by the site, not by workflow: readers are not users of the system and subscribing
    changes no state of a textbook; the site learns of new editions from workflow's
    ``edition_published`` signal (cms/site/subscriptions.py). Mail goes only to confirmed
    addresses; unsubscribing deletes the row, keeping nothing about the reader.
    """

    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    email = models.EmailField(_("电子邮箱"))
    # The language the reader subscribed in: their mail is written in it.
    language = models.CharField(_("语言"), max_length=10)
    created_at = models.DateTimeField(_("订阅时间"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("确认邮件发送时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("更新订阅")
        verbose_name_plural = _("更新订阅")
        constraints = [
            models.UniqueConstraint(fields=["textbook", "email"], name="one_subscription_per_email")
        ]

    def __str__(self):
        return f"{self.email} · {self.textbook_id}"
