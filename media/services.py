"""Media operations for the admin and for other code (imports, demo data, workflow)."""

from django.db import transaction

from media import storage
from media.models import MediaAsset, MediaKind
from media.validation import inspect


def store_file(asset, fileobj, inspection=None):
    """Validate ``fileobj`` for ``asset.kind``, store it, and save ``asset`` pointing to it.

    Checks everything before storing anything; stores the object before the row and removes
    an object it created if the row cannot be saved, so a failure leaves neither. Raises
    ValidationError (refused file) or media.storage.MediaStorageError (store unreachable).
    """
    inspection = inspection or inspect(fileobj, asset.kind)
    created = storage.put(inspection.key, fileobj, inspection.detected.content_type)
    try:
        with transaction.atomic():
            asset.file = inspection.key
            asset.sha256 = inspection.sha256
            asset.size = inspection.size
            asset.content_type = inspection.detected.content_type
            asset.save()
    except Exception:
        if created and not MediaAsset.objects.filter(file=inspection.key).exists():
            storage.delete(inspection.key)
        raise
    return asset


def store_poster(asset, fileobj, inspection=None):
    """Validate ``fileobj`` as an image and store it as ``asset``'s poster (not saved: the
    caller saves the row). An object left by a row that is then not saved is content-addressed
    and found by media_orphans."""
    inspection = inspection or inspect(fileobj, MediaKind.IMAGE)
    storage.put(inspection.key, fileobj, inspection.detected.content_type)
    asset.poster = inspection.key
    return asset


def create_asset(*, title, kind, fileobj, textbook=None, user=None, transcript="", poster=None):
    """Create a MediaAsset from ``fileobj`` (any seekable file object), with the image
    ``poster`` (a file object) if given."""
    asset = MediaAsset(
        title=title, kind=kind, textbook=textbook, uploaded_by=user, transcript=transcript
    )
    if poster is not None:
        store_poster(asset, poster)
    return store_file(asset, fileobj)
