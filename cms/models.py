from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    intro = RichTextField(_("简介"), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        from textbooks.models import CatalogueIndexPage

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = CatalogueIndexPage.objects.child_of(self).live().first()
        return context


# The catalogue search index lives in cms.search; its models belong to this app.
from cms.search.models import CatalogueEntry, CatalogueFacet  # noqa: E402, F401
