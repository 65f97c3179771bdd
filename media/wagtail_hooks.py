from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from media.models import MediaAsset


class MediaAssetViewSet(SnippetViewSet):
    model = MediaAsset
    icon = "media"
    menu_label = _("数字资源")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["title", "kind", "textbook", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title"]


register_snippet(MediaAssetViewSet)
