from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet

from media.access import can_manage_textbook
from media.forms import MediaAssetForm
from media.models import MediaAsset
from media.storage import MediaStorageError
from textbooks.models import Textbook


class StorageErrorAsFormError:
    """An unreachable store is a message on the form, not a server error; the atomic block
    of form_valid has rolled the row back and store_file has removed any new object."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except MediaStorageError as error:
            form.add_error("file", str(error))
            self.produced_error_message = str(error)
            return self.form_invalid(form)


class TextbookScopedObject:
    """Authors reach only the assets of textbooks they write."""

    def get_object(self, queryset=None):
        asset = super().get_object(queryset)
        if not can_manage_textbook(self.request.user, asset.textbook):
            raise PermissionDenied
        return asset


class MediaAssetCreateView(StorageErrorAsFormError, CreateView):
    pass


class MediaAssetEditView(StorageErrorAsFormError, TextbookScopedObject, EditView):
    pass


class MediaAssetDeleteView(TextbookScopedObject, DeleteView):
    pass


class MediaAssetViewSet(SnippetViewSet):
    model = MediaAsset
    icon = "media"
    menu_label = _("数字资源")
    add_to_admin_menu = True
    menu_order = 210
    list_display = ["title", "kind", "textbook", "content_type", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    add_view_class = MediaAssetCreateView
    edit_view_class = MediaAssetEditView
    delete_view_class = MediaAssetDeleteView
    copy_view_enabled = False  # a copy would share the row's file without an upload
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("kind"),
            FieldPanel("textbook"),
            FieldPanel("file"),
            FieldPanel("transcript"),
        ],
        base_form_class=MediaAssetForm,
    )

    def get_queryset(self, request):
        assets = MediaAsset.objects.select_related("textbook")
        if can_manage_textbook(request.user, None):
            return assets
        return assets.filter(textbook__in=Textbook.objects.authored_by(request.user))


register_snippet(MediaAssetViewSet)
