"""Storage helpers: Django's default storage (filesystem, or S3 through django-storages).

Every storage call goes through here so that an unreachable store becomes one clear
MediaStorageError, and so that S3-only features (presigned links) are asked for in one place.
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)


class MediaStorageError(Exception):
    """The object store could not be reached or refused the operation."""

    def __init__(self, message=None):
        super().__init__(message or _("存储服务暂时无法访问，文件没有保存，请稍后重试。"))


def get_storage():
    """The default storage, looked up each time (tests and settings may swap it)."""
    return storages["default"]


class _PrivateStorage(LazyObject):
    """storages["private"], looked up again when the settings change (tests swap them)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    """Where files nobody may reach by URL are kept (FileField(storage=private_storage)): the
    views that hand them out check the viewer, then stream them or presign a URL."""
    return _private


def is_s3(storage=None):
    return hasattr(storage or get_storage(), "bucket_name")


def _guarded(operation, *args, **kwargs):
    try:
        return operation(*args, **kwargs)
    except STORAGE_ERRORS as exc:
        logger.warning("storage %s failed: %s", operation.__name__, exc)
        raise MediaStorageError() from exc


def exists(key):
    return _guarded(get_storage().exists, key)


def put(key, fileobj, content_type, *, overwrite=False):
    """Store ``fileobj`` at exactly ``key``. Returns True if written, False if already there.

    Content-addressed keys are never overwritten (the bytes are the same); ``overwrite``
    replaces an object a failed attempt left behind (archives before their marker).
    """
    storage = get_storage()
    if _guarded(storage.exists, key):
        if not overwrite:
            return False
        _guarded(storage.delete, key)
    content = fileobj if isinstance(fileobj, File) else File(fileobj)
    content.content_type = content_type  # S3Storage sends it as the object's ContentType
    fileobj.seek(0)
    name = _guarded(storage.save, key, content)
    if name != key:  # the filesystem renamed it: a concurrent upload of the same bytes won
        _guarded(storage.delete, name)
    return True


def put_bytes(key, data, content_type, *, overwrite=False):
    return put(key, ContentFile(data), content_type, overwrite=overwrite)


def read(key):
    with _guarded(get_storage().open, key, "rb") as handle:
        return _guarded(handle.read)


def delete(key):
    _guarded(get_storage().delete, key)


def listdir(prefix):
    """(folders, files) directly under ``prefix``; a folder that does not exist is empty."""
    try:
        return get_storage().listdir(prefix)
    except FileNotFoundError:  # the filesystem has no such folder; S3 has no folders
        return [], []
    except STORAGE_ERRORS as exc:
        raise MediaStorageError() from exc


def list_keys(prefix):
    """Every key under ``prefix`` (a folder path ending in "/"), recursively."""
    directories, files = listdir(prefix)
    keys = [f"{prefix}{name}" for name in files]
    for directory in directories:
        keys.extend(list_keys(f"{prefix}{directory}/"))
    return keys


def presigned_url(key, *, expire=None, storage=None):
    """A short-lived signed URL (S3 only)."""
    storage = storage or get_storage()
    return _guarded(
        storage.url,
        key,
        expire=expire or settings.AWS_QUERYSTRING_EXPIRE,
    )


def public_url(key):
    """The CDN address of a public object, or None when no CDN is configured."""
    base = settings.MEDIA_CDN_BASE_URL
    return f"{base.rstrip('/')}/{key}" if base else None
