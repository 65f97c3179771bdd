"""What an uploaded file really is (from its bytes), and whether its kind allows it.

Detection never trusts the file name or the browser's Content-Type: a program renamed
``lesson.mp4`` is detected as a program and refused with a message naming what it is.
"""

import hashlib
import json
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from media.models import MediaKind
from textbooks.i18n import enumeration

HEAD_BYTES = 8192
CHUNK = 1024 * 1024
HTML5_PACKAGE = "html5-package"

# Readable names for the types people meet (and for the dangerous ones).
TYPE_LABELS = {
    "application/x-executable": _("ELF 可执行程序"),
    "application/x-msdownload": _("Windows 可执行程序（PE）"),
    "application/x-sharedlib": _("共享库"),
    "application/zip": _("ZIP 压缩包"),
    "application/pdf": _("PDF 文档"),
    "model/gltf-binary": _("glTF 二进制三维模型（GLB）"),
    "model/gltf+json": _("glTF 三维模型（JSON）"),
    HTML5_PACKAGE: _("HTML5 仿真包（含 index.html 的 ZIP）"),
    "video/mp4": _("MP4 视频"),
    "video/webm": _("WebM 视频"),
    "audio/mpeg": _("MP3 音频"),
    "image/png": _("PNG 图片"),
    "image/jpeg": _("JPEG 图片"),
}

EXTENSIONS = {
    "model/gltf-binary": "glb",
    "model/gltf+json": "gltf",
    HTML5_PACKAGE: "zip",
    "application/x-executable": "bin",
}


@dataclass(frozen=True)
class Detected:
    """``rule_type`` is what MEDIA_ASSET_RULES lists; ``content_type`` is what we serve."""

    rule_type: str
    content_type: str
    extension: str

    @property
    def label(self):
        label = TYPE_LABELS.get(self.rule_type)
        return f"{label}（{self.rule_type}）" if label else self.rule_type


UNKNOWN = Detected("application/octet-stream", "application/octet-stream", "bin")


def _is_html5_package(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return "index.html" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _is_gltf_json(fileobj):
    try:
        data = json.load(fileobj)
    except (ValueError, UnicodeDecodeError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("asset"), dict)
        and "version" in data["asset"]
    )


def detect(fileobj):
    """Detect the type of ``fileobj`` (seekable) from its bytes; the position is restored."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    try:
        if head[:4] == b"glTF":
            return Detected("model/gltf-binary", "model/gltf-binary", "glb")
        guess = filetype.guess(head)
        if guess is not None:
            if guess.mime == "application/zip":
                fileobj.seek(0)
                if _is_html5_package(fileobj):
                    return Detected(HTML5_PACKAGE, "application/zip", "zip")
            return Detected(guess.mime, guess.mime, EXTENSIONS.get(guess.mime, guess.extension))
        if head.lstrip()[:1] == b"{":
            fileobj.seek(0)
            if _is_gltf_json(fileobj):
                return Detected("model/gltf+json", "model/gltf+json", "gltf")
        return UNKNOWN
    finally:
        fileobj.seek(0)


def digest(fileobj):
    """(sha256 hex, size) of ``fileobj``, read in chunks; the position is restored."""
    fileobj.seek(0)
    sha, size = hashlib.sha256(), 0
    while chunk := fileobj.read(CHUNK):
        sha.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return sha.hexdigest(), size


def rules_for(kind):
    return settings.MEDIA_ASSET_RULES[kind]


def check_size(kind, size):
    limit = rules_for(kind)["max_size"]
    if size > limit:
        raise ValidationError(
            _("文件过大：%(size)s，%(kind)s最大允许 %(limit)s。"),
            code="too_large",
            params={
                "size": filesizeformat(size),
                "kind": MediaKind(kind).label,
                "limit": filesizeformat(limit),
            },
        )


def check_type(kind, detected):
    allowed = rules_for(kind)["content_types"]
    if detected.rule_type not in allowed:
        raise ValidationError(
            _("文件内容实际是 %(detected)s，不是允许的%(kind)s格式（允许：%(allowed)s）。"),
            code="wrong_type",
            params={
                "detected": detected.label
                if detected is not UNKNOWN
                else _("无法识别的格式（%(type)s）") % {"type": UNKNOWN.rule_type},
                "kind": MediaKind(kind).label,
                "allowed": enumeration(allowed),
            },
        )


@dataclass(frozen=True)
class Inspection:
    sha256: str
    size: int
    detected: Detected

    @property
    def key(self):
        """The content-addressed storage key of these bytes."""
        return f"assets/{self.sha256[:2]}/{self.sha256}.{self.detected.extension}"


def inspect(fileobj, kind):
    """Validate ``fileobj`` for ``kind``; return its Inspection or raise ValidationError."""
    if kind not in settings.MEDIA_ASSET_RULES:
        raise ValidationError(_("未知的资源类型：%(kind)s。"), params={"kind": kind})
    declared = getattr(fileobj, "size", None)
    if declared is not None:
        check_size(kind, declared)  # refuse before reading a byte
    sha256, size = digest(fileobj)
    check_size(kind, size)
    detected = detect(fileobj)
    check_type(kind, detected)
    return Inspection(sha256, size, detected)
