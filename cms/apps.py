from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("站点")

    def ready(self):
        # Keeps the catalogue search index current on publication events.
        from cms.search import signals  # noqa: F401

        # Mails a textbook's subscribers when an edition of it is published.
        from cms.site import subscriptions  # noqa: F401
