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
    CatalogueEntry,
    CatalogueFacet,
    CatalogueTerm,
    CatalogueTermFacet,
)
