from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet

from media.access import can_manage_textbook, managed_assets
from media.forms import MediaAssetForm
from media.models import MediaAsset, ShortLink, deletion_refusal
from media.storage import MediaStorageError
from textbooks.models import TextbookPage, UnitPage


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
    list_export = ["title", "kind", "textbook", "content_type", "size", "sha256", "created_at"]
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
            FieldPanel("poster"),
            FieldPanel("transcript"),
        ],
        base_form_class=MediaAssetForm,
    )

    def get_queryset(self, request):
        return MediaAsset.objects.select_related("textbook").filter(managed_assets(request.user))


register_snippet(MediaAssetViewSet)


def _qr_button(link, priority):
    url = reverse("media:qr_image", args=[link.code, "svg"])
    return Button(_("二维码"), url, icon_name="link", attrs={"target": "_blank"}, priority=priority)


@hooks.register("register_page_header_buttons")
def qr_page_header_buttons(page, user, view_name, next_url=None):
    """A textbook page offers its printable QR sheet; a leaf its own QR code."""
    page_class = page.specific_class
    if page_class is TextbookPage:
        textbook = page.specific.textbook
        if can_manage_textbook(user, textbook):
            url = reverse("media:qr_sheet", args=[textbook.pk])
            yield Button(
                _("二维码印制清单"),
                url,
                icon_name="doc-full",
                attrs={"target": "_blank"},
                priority=90,
            )
    elif page_class is UnitPage:
        book_page = page.get_parent().specific
        if isinstance(book_page, TextbookPage) and can_manage_textbook(user, book_page.textbook):
            yield _qr_button(ShortLink.for_page(page), 91)


@hooks.register("register_snippet_listing_buttons")
def qr_asset_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, MediaAsset) and can_manage_textbook(user, snippet.textbook):
        yield _qr_button(ShortLink.for_asset(snippet), 90)


@hooks.register("before_delete_snippet")
def refuse_deleting_kept_assets(request, instances):
    """The delete view and the bulk delete action refuse, naming what keeps the assets, before
    asking for a confirmation that could only fail (media.models refuses in code too)."""
    assets = [instance for instance in instances if isinstance(instance, MediaAsset)]
    message = deletion_refusal(assets) if assets else None
    if message:
        messages.error(request, message)
        return redirect("wagtailsnippets_media_mediaasset:list")
    return None
