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
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Office Open XML files are zip archives: [Content_Types].xml and the main part name the kind.
OFFICE_PARTS = {DOCX: ("word/document.xml", "docx"), XLSX: ("xl/workbook.xml", "xlsx")}

# Readable names for the types people meet (and for the dangerous ones).
TYPE_LABELS = {
    "application/x-executable": _("ELF 可执行程序"),
    "application/x-msdownload": _("Windows 可执行程序（PE）"),
    "application/x-sharedlib": _("共享库"),
    "application/zip": _("ZIP 压缩包"),
    "application/pdf": _("PDF 文档"),
    DOCX: _("Word 文档（DOCX）"),
    XLSX: _("Excel 表格（XLSX）"),
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


def _zip_entries(fileobj):
    """The names in a zip archive (read from its central directory); none if it is not one."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return set(archive.namelist())
    except zipfile.BadZipFile:
        return set()


def _detect_zip(fileobj, guess):
    """What a zip archive holds: a Word or Excel file, an HTML5 package, or just a zip
    (filetype only looks at the first few entries)."""
    fileobj.seek(0)
    names = _zip_entries(fileobj)
    if "[Content_Types].xml" in names:
        for content_type, (part, extension) in OFFICE_PARTS.items():
            if part in names:
                return Detected(content_type, content_type, extension)
    if "index.html" in names:
        return Detected(HTML5_PACKAGE, "application/zip", "zip")
    if guess.mime in OFFICE_PARTS:  # named like one, lacks the parts of one
        return Detected("application/zip", "application/zip", "zip")
    return None


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
            if guess.mime == "application/zip" or guess.mime in OFFICE_PARTS:
                if zipped := _detect_zip(fileobj, guess):
                    return zipped
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


def check_size(size, limit, what):
    """``what`` names the file in the message (视频, 使用跟踪报告)."""
    if size > limit:
        raise ValidationError(
            _("文件过大：%(size)s，%(kind)s最大允许 %(limit)s。"),
            code="too_large",
            params={"size": filesizeformat(size), "kind": what, "limit": filesizeformat(limit)},
        )


def check_type(detected, allowed, what):
    if detected.rule_type not in allowed:
        raise ValidationError(
            _("文件内容实际是 %(detected)s，不是允许的%(kind)s格式（允许：%(allowed)s）。"),
            code="wrong_type",
            params={
                "detected": detected.label
                if detected is not UNKNOWN
                else _("无法识别的格式（%(type)s）") % {"type": UNKNOWN.rule_type},
                "kind": what,
                "allowed": enumeration(TYPE_LABELS.get(t, t) for t in allowed),
            },
        )


def check_upload(fileobj, rules, what):
    """An upload that is not an asset (a review document) against ``rules`` (max_size,
    content_types): its Detected type, or ValidationError naming ``what`` and the types
    allowed."""
    size = getattr(fileobj, "size", None)
    if size is None:
        size = digest(fileobj)[1]
    check_size(size, rules["max_size"], what)
    detected = detect(fileobj)
    check_type(detected, rules["content_types"], what)
    return detected


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
    rules, what = rules_for(kind), MediaKind(kind).label
    declared = getattr(fileobj, "size", None)
    if declared is not None:
        check_size(declared, rules["max_size"], what)  # refuse before reading a byte
    sha256, size = digest(fileobj)
    check_size(size, rules["max_size"], what)
    detected = detect(fileobj)
    check_type(detected, rules["content_types"], what)
    return Inspection(sha256, size, detected)
