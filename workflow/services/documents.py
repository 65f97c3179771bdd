"""Review documents (使用跟踪报告, 修订内容对照表) and sampling evidence (证据材料): which
files are accepted, and how they are kept.

They are kept in private storage (media.storage.private_storage: outside MEDIA_ROOT, private
objects on S3) and reach only those who may see the case (workflow:document) or the sampling
check (workflow:sampling_evidence).
"""

from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy

from media.validation import DOCX, TYPE_LABELS, XLSX, check_upload
from textbooks.i18n import enumeration

# URL name → (ReviewCase field, label).
DOCUMENTS = {
    "usage-report": ("usage_report", gettext_lazy("使用跟踪报告")),
    "change-table": ("change_table", gettext_lazy("修订内容对照表")),
}
LABELS = dict(DOCUMENTS.values())
_CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX, "xlsx": XLSX}


EVIDENCE_LABEL = gettext_lazy("证据材料")


def prepared(field, fileobj):
    """``fileobj`` for ReviewCase.<field>, checked against REVIEW_DOCUMENT_RULES (type from
    the bytes, size) and named with the extension of what it really is. Raises
    ValidationError naming the document and the accepted types."""
    return prepared_as(fileobj, LABELS[field], field.replace("_", "-"))


def prepared_as(fileobj, label, default_stem):
    """``prepared`` for any private document: ``label`` names it in the error."""
    detected = check_upload(fileobj, settings.REVIEW_DOCUMENT_RULES, label)
    stem = PurePath(fileobj.name or "").stem or default_stem
    fileobj.name = f"{stem}.{detected.extension}"
    fileobj.content_type = detected.content_type  # S3 keeps it as the object's ContentType
    return fileobj


def accepted():
    """What the form says it takes."""
    rules = settings.REVIEW_DOCUMENT_RULES
    return gettext("%(types)s，不超过 %(limit)s。") % {
        "types": enumeration(TYPE_LABELS.get(t, t) for t in rules["content_types"]),
        "limit": filesizeformat(rules["max_size"]),
    }


def content_type_of(name):
    """What a stored document is served as; documents stored before the check was made, of
    any type, are sent as bytes to download, never rendered."""
    return _CONTENT_TYPES.get(PurePath(name).suffix.lstrip(".").lower(), "application/octet-stream")
