"""Public and member views: an asset by id, short links, QR images and the QR sheet."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from media import storage
from media.access import can_manage_textbook, can_read_draft_asset
from media.archives import archived_asset
from media.models import MediaAsset, ShortLink
from media.qr import qr_png, qr_sheet_svg, qr_svg, short_url
from media.references import is_published
from textbooks.models import Textbook, TextbookPage
from workflow.models import Edition


def _deny(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _unavailable():
    return HttpResponse(
        _("存储服务暂时无法访问，请稍后重试。"),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


def serve_key(key, content_type, *, public):
    """Send the reader to the object: the CDN for public objects when one is configured,
    else a short-lived presigned URL (S3), else the bytes themselves (filesystem)."""
    try:
        if public and (cdn := storage.public_url(key)):
            return HttpResponseRedirect(cdn)
        if storage.is_s3():
            return HttpResponseRedirect(storage.presigned_url(key))
        handle = storage.get_storage().open(key, "rb")
    except (storage.MediaStorageError, OSError):
        return _unavailable()
    return FileResponse(handle, content_type=content_type)


@never_cache
def asset(request, pk):
    media_asset = get_object_or_404(MediaAsset.objects.select_related("textbook"), pk=pk)
    public = is_published(media_asset)
    if not public and not can_read_draft_asset(request.user, media_asset):
        return _deny(request)
    return serve_key(media_asset.file.name, media_asset.content_type, public=public)


def _link_textbook(link):
    if link.asset_id:
        return link.asset.textbook
    parent = link.page.get_parent().specific
    return parent.textbook if isinstance(parent, TextbookPage) else None


@never_cache
def short_link(request, code, version=None):
    link = get_object_or_404(ShortLink.objects.select_related("asset", "page"), code=code)
    if version is not None:
        return _archived(link, version)
    if link.asset_id:
        current = Edition.objects.filter(textbook=link.asset.textbook, is_current=True).first()
        entry = current and archived_asset(current.textbook, current.version, link.asset_id)
        if entry:  # the current edition's reviewed copy
            return serve_key(entry["key"], entry["content_type"], public=True)
        return HttpResponseRedirect(link.asset.get_absolute_url())
    leaf = link.page.specific
    if not leaf.live:
        raise Http404(_("该活页尚未发布。"))
    return HttpResponseRedirect(leaf.get_url(request))


def _archived(link, version):
    """The linked resource as a published edition had it (public): a leaf's page in that
    edition, an asset's bytes as recorded in that edition's archive."""
    textbook = _link_textbook(link)
    if link.page_id:
        try:
            edition = Edition.objects.filter(textbook=textbook).get_by_version(version)
        except Edition.DoesNotExist as exc:
            raise Http404(_("没有找到该版次。")) from exc
        if not edition.leaves.filter(page_id=link.page_id).exists():
            raise Http404(_("该版次不包含此活页。"))
        return HttpResponseRedirect(
            reverse("editions:leaf", args=[textbook.slug, version, link.page.slug])
        )
    entry = archived_asset(textbook, version, link.asset_id)
    if entry is None:
        raise Http404(_("该版次没有此资源的归档。"))
    return serve_key(entry["key"], entry["content_type"], public=True)


def qr_image(request, code, fmt, version=None):
    if fmt not in ("svg", "png"):
        raise Http404
    link = get_object_or_404(ShortLink, code=code)
    url = short_url(request, link, version)
    if fmt == "svg":
        return HttpResponse(qr_svg(url), content_type="image/svg+xml")
    return HttpResponse(qr_png(url), content_type="image/png")


def qr_sheet(request, textbook_id):
    textbook = get_object_or_404(Textbook, pk=textbook_id)
    if not can_manage_textbook(request.user, textbook):
        return _deny(request)
    response = HttpResponse(qr_sheet_svg(request, textbook), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{textbook.slug}.svg"'
    return response
