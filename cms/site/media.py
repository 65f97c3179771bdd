"""Readers reach digital resources: an asset by id, and short links (QR codes in print).

Which bytes a reader gets is decided here, where editions are known: the copy a published
edition pins (its reviewed bytes), never the asset's current file, which its writers may have
replaced since; the current file only to those who may read drafts.
"""

import mimetypes

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from media.access import can_manage_textbook
from media.models import CAPTIONS, PACKAGE, POSTER, MediaAsset, MediaKind, ShortLink, is_webvtt
from media.views import deny, serve_captions, serve_key, serve_package_member
from textbooks.models import TextbookPage
from workflow.models import Edition, EditionAsset
from workflow.services.rules import is_reviewing


def can_read_draft_asset(user, asset):
    """Bundled resources are reviewed with the textbook: its writers and the reviewers of a
    case under way may read an asset as it is now, before an edition publishes it."""
    return can_manage_textbook(user, asset.textbook) or is_reviewing(user, asset.textbook)


def current_copy(asset_id):
    """The copy of the asset that a current edition pins, or None."""
    return EditionAsset.objects.filter(asset_id=asset_id, edition__is_current=True).first()


def serve_copy(pin):
    return serve_key(pin.key, pin.content_type, public=True)


@never_cache
def asset(request, pk):
    media_asset = get_object_or_404(MediaAsset.objects.select_related("textbook"), pk=pk)
    if can_read_draft_asset(request.user, media_asset):
        return serve_key(media_asset.file.name, media_asset.content_type, public=False)
    pin = current_copy(media_asset.pk)
    if pin is None:
        return deny(request)
    return serve_copy(pin)


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
        pin = current_copy(link.asset_id)
        if pin is not None:  # the current edition's reviewed copy
            return serve_copy(pin)
        return HttpResponseRedirect(link.asset.get_absolute_url())
    leaf = link.page.specific
    if not leaf.live:
        raise Http404(_("该活页尚未发布。"))
    return HttpResponseRedirect(leaf.get_url(request))


def _edition(link, version):
    try:
        return Edition.objects.filter(textbook=_link_textbook(link)).get_by_version(version)
    except Edition.DoesNotExist as exc:
        raise Http404(_("没有找到该版次。")) from exc


def _archived(link, version):
    """The linked resource as a published edition had it (public): a leaf's page in that
    edition, an asset's bytes as that edition pins them."""
    edition = _edition(link, version)
    textbook = edition.textbook
    if link.page_id:
        if not edition.leaves.filter(page_id=link.page_id).exists():
            raise Http404(_("该版次不包含此活页。"))
        return HttpResponseRedirect(
            reverse("editions:leaf", args=[textbook.slug, version, link.page.slug])
        )
    pin = edition.assets.filter(asset_id=link.asset_id).first()
    if pin is None:
        raise Http404(_("该版次不包含此资源。"))
    return serve_copy(pin)


def _serve_part(copy, part, member, *, public):
    """A part of the asset ``copy`` (an AssetCopy: a pin, or the asset as it is now) that a
    player reads beside its bytes: the poster, the captions, a file of a simulation package."""
    if part == POSTER and copy.poster_key:
        content_type = mimetypes.guess_type(copy.poster_key)[0] or "application/octet-stream"
        return serve_key(copy.poster_key, content_type, public=public)
    if part == CAPTIONS and is_webvtt(copy.transcript):
        return serve_captions(copy.transcript)
    if part == PACKAGE and copy.kind == MediaKind.SIMULATION:
        return serve_package_member(copy.key, member)
    raise Http404


@never_cache
def asset_part(request, pk, part, member=""):
    """``part`` of an asset, for those who may read drafts as it is now; the current
    edition's copy for everyone else (as ``asset`` decides)."""
    media_asset = get_object_or_404(MediaAsset.objects.select_related("textbook"), pk=pk)
    if can_read_draft_asset(request.user, media_asset):
        return _serve_part(EditionAsset.of_asset(media_asset), part, member, public=False)
    pin = current_copy(media_asset.pk)
    if pin is None:
        return deny(request)
    return _serve_part(pin, part, member, public=True)


@never_cache
def edition_part(request, code, version, part, member=""):
    """``part`` of an asset as the edition ``version`` pins it (public, like its bytes)."""
    link = get_object_or_404(ShortLink.objects.select_related("asset"), code=code)
    if not link.asset_id:
        raise Http404
    pin = _edition(link, version).assets.filter(asset_id=link.asset_id).first()
    if pin is None:
        raise Http404(_("该版次不包含此资源。"))
    return _serve_part(pin, part, member, public=True)
