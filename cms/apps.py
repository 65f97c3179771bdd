from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("站点")

    def ready(self):
        from wagtail.admin.views.pages.search import SearchView
        from wagtail.models import Page

        # Keeps the catalogue search index current on publication events.
        from cms.search import signals  # noqa: F401

        # Mails a textbook's subscribers when an edition of it is published.
        from cms.site import subscriptions  # noqa: F401

        # Wagtail's admin page search names no model, so its result count read "共 5 个None".
        SearchView.verbose_name = Page._meta.verbose_name
        SearchView.verbose_name_plural = Page._meta.verbose_name_plural
