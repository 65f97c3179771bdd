"""Serving stored bytes, QR images and the QR sheet. Which asset a reader may have is decided
by the public site (cms.site.media), which knows editions."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from media import storage
from media.access import can_manage_textbook
from media.models import ShortLink
from media.qr import qr_png, qr_sheet_svg, qr_svg, short_url
from textbooks.models import Textbook


def deny(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _unavailable():
    return HttpResponse(
        _("存储服务暂时无法访问，请稍后重试。"),
        status=503,
        content_type="text/plain; charset=utf-8",
    )


def serve_key(key, content_type, *, public, store=None):
    """Send the reader to the object: the CDN for public objects when one is configured,
    else a short-lived presigned URL (S3), else the bytes themselves (filesystem).
    ``store``: the storage holding it, if not the default (private_storage())."""
    store = store or storage.get_storage()
    try:
        if public and (cdn := storage.public_url(key)):
            return HttpResponseRedirect(cdn)
        if storage.is_s3(store):
            return HttpResponseRedirect(storage.presigned_url(key, storage=store))
        handle = store.open(key, "rb")
    except (storage.MediaStorageError, OSError):
        return _unavailable()
    return FileResponse(handle, content_type=content_type)


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
        return deny(request)
    response = HttpResponse(qr_sheet_svg(request, textbook), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{textbook.slug}.svg"'
    return response
