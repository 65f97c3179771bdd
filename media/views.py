"""Serving stored bytes, QR images and the QR sheet. Which asset a reader may have is decided
by the public site (cms.site.media), which knows editions."""

import mimetypes
import posixpath
import zipfile

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from media import storage
from media.access import can_manage_textbook
from media.models import PACKAGE_ENTRY, ShortLink
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


# A simulation package is somebody's HTML and script. Served with this policy it runs in an
# opaque origin of its own (``sandbox`` without ``allow-same-origin``), even when opened
# directly rather than in the page's sandboxed iframe: it cannot read the site's cookies or
# storage, reach into the page that embeds it, submit forms, open windows or navigate the
# page; it loads only its own files; only this site may frame it.
PACKAGE_POLICY = "; ".join(
    [
        "sandbox allow-scripts allow-pointer-lock",
        "default-src 'self' data: blob: 'unsafe-inline' 'unsafe-eval'",
        "form-action 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    ]
)


def serve_package_member(key, member, *, store=None):
    """The file ``member`` of the HTML5 package (a zip) stored at ``key``, sandboxed by
    PACKAGE_POLICY; its index.html for a folder. 404 for a name not in the package."""
    member = posixpath.normpath(member or PACKAGE_ENTRY).lstrip("/")
    if member.startswith(".."):
        raise Http404
    if member == ".":
        member = PACKAGE_ENTRY
    store = store or storage.get_storage()
    try:
        with store.open(key, "rb") as handle, zipfile.ZipFile(handle) as package:
            try:
                data = package.read(member)
            except KeyError:
                try:
                    data, member = package.read(f"{member}/{PACKAGE_ENTRY}"), PACKAGE_ENTRY
                except KeyError as error:
                    raise Http404 from error
    except (storage.MediaStorageError, OSError):
        return _unavailable()
    except zipfile.BadZipFile as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(member)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type.endswith("javascript"):
        content_type += "; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Security-Policy"] = PACKAGE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


def serve_captions(text):
    """WebVTT captions (an asset's transcript) for a player's <track>."""
    return HttpResponse(text, content_type="text/vtt; charset=utf-8")


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
