from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TextbooksConfig(AppConfig):
    name = "textbooks"
    verbose_name = _("教材目录")

    def ready(self):
        from textbooks import names, publication, roles

        publication.connect()
        roles.connect()
        names.use_everywhere()
