"""Immutable edition archives in storage, and their verification.

An archive lives under ``archives/textbook-<id>/<version>/``:

- ``leaves/<nnn>-<slug>.html``: each leaf of the edition, rendered at its pinned revision;
- ``print.pdf``: the edition's print PDF (workflow.printing), made once, here, and served from
  here: a printed edition never changes with the live pages;
- ``manifest.json``: the textbook, the version, each leaf (page, revision, key, SHA-256), the
  print PDF (key, SHA-256, size) and each asset the edition pins (its content-addressed key,
  SHA-256, size, type, title);
- ``COMPLETE``: written last, holding the SHA-256 of manifest.json, which in turn holds the
  checksum of every file: one checksum over the whole.

Nothing is overwritten once ``COMPLETE`` exists. A write that fails part-way leaves no
``COMPLETE`` (and an incomplete EditionArchive row), so it is never taken for a finished
archive; writing again replaces the leftovers. An archive is only ever taken for the edition
its manifest names (textbook, version, publication time, leaves at their revisions): one
left in storage by an earlier database that reused the textbook's id is neither served nor
overwritten; this edition's archive is written beside it, under a prefix of its own. A machine that cannot make PDFs (WeasyPrint's
system libraries missing) writes no archive at all rather than one without its print: the
archive stays incomplete until ``make pdf-deps`` and ``manage.py archive_editions``.
"""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from media import storage
from textbooks.i18n import in_record_language
from workflow.models import EditionArchive, EditionAsset
from workflow.printing import PrintUnavailable, edition_pdf, replacement_pack, unavailable_reason
from workflow.services.assets import edition_assets

logger = logging.getLogger(__name__)

ROOT = "archives/"
MARKER = "COMPLETE"
MANIFEST = "manifest.json"
PRINT = "print.pdf"
PACKS = "replacement-packs/"


class ArchiveExists(Exception):
    pass


@dataclass
class ArchiveSource:
    """What an archive is made from: a textbook, a version, and (leaf page, revision) pairs
    in book order. ``edition`` (a workflow Edition) is passed to the leaf template."""

    textbook: object
    version: str
    leaves: list = field(default_factory=list)
    published_at: object = None
    edition: object = None


def source_for_edition(edition):
    rows = edition.leaves.select_related("page", "revision").order_by("position")
    return ArchiveSource(
        textbook=edition.textbook,
        version=edition.version,
        leaves=[(row.page, row.revision) for row in rows],
        published_at=edition.published_at,
        edition=edition,
    )


def archive_prefix(textbook, version):
    return f"{ROOT}textbook-{textbook.pk}/{version}/"


def identity(source):
    """What makes an archive this edition's and no other's, as its manifest records it."""
    return {
        "textbook": source.textbook.pk,
        "version": source.version,
        "published_at": source.published_at.isoformat() if source.published_at else None,
        "leaves": [[page.pk, revision.pk] for page, revision in source.leaves],
    }


def manifest_identity(manifest):
    return {
        "textbook": manifest.get("textbook", {}).get("id"),
        "version": manifest.get("version"),
        "published_at": manifest.get("published_at"),
        "leaves": [[e["page_id"], e["revision_id"]] for e in manifest.get("leaves", [])],
    }


def is_archive_of(manifest, source):
    return manifest_identity(manifest) == identity(source)


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def render_leaf(leaf, edition=None):
    context = {"page": leaf, "self": leaf, "edition": edition}
    if edition is not None:
        # Media blocks show the copies the edition pins (see media_tags.shown_asset).
        context["edition_assets"] = edition_assets(edition)
    with in_record_language():
        return render_to_string("textbooks/unit_page.html", context).encode()


def write_archive(source):
    """Write the archive of ``source``; returns its EditionArchive, complete.

    Raises ArchiveExists if that version is already archived, MediaStorageError if storage
    fails, PrintUnavailable if this machine cannot make PDFs (the archive then stays
    incomplete).
    """
    record, _created = EditionArchive.objects.get_or_create(
        textbook=source.textbook,
        version=source.version,
        defaults={"prefix": archive_prefix(source.textbook, source.version)},
    )
    if record.is_complete and is_archive_of(record.manifest, source):
        raise ArchiveExists(
            _("《%(title)s》第 %(version)s 版已归档，归档不可覆盖。")
            % {"title": source.textbook.title, "version": source.version}
        )
    if record.is_complete or storage.exists(record.prefix + MARKER):
        # Another edition's archive (an earlier database's, whose ids this one reuses): kept
        # as it is, never taken for this one's. This one gets a prefix nobody else has.
        record.prefix = (
            f"{archive_prefix(source.textbook, source.version)[:-1]}-{secrets.token_hex(4)}/"
        )
        record.manifest, record.checksum, record.completed_at = {}, "", None
        record.save(update_fields=["prefix", "manifest", "checksum", "completed_at"])
    prefix = record.prefix
    # Made first: without it nothing is written.
    pdf = edition_pdf(source.edition) if source.edition is not None else None

    leaves = []
    for position, (page, revision) in enumerate(source.leaves, start=1):
        leaf = revision.as_object()
        html = render_leaf(leaf, source.edition)
        key = f"{prefix}leaves/{position:03d}-{leaf.slug}.html"
        storage.put_bytes(key, html, "text/html; charset=utf-8", overwrite=True)
        leaves.append(
            {
                "page_id": page.pk,
                "revision_id": revision.pk,
                "slug": leaf.slug,
                "title": leaf.title,
                "key": key,
                "sha256": sha256_hex(html),
                "size": len(html),
            }
        )

    printed = None
    if pdf is not None:
        storage.put_bytes(prefix + PRINT, pdf, "application/pdf", overwrite=True)
        printed = {"key": prefix + PRINT, "sha256": sha256_hex(pdf), "size": len(pdf)}

    pins = EditionAsset.objects.filter(edition=source.edition).order_by("asset_id")
    manifest = {
        "format": 2,
        "textbook": {
            "id": source.textbook.pk,
            "slug": source.textbook.slug,
            "title": source.textbook.title,
            "isbn": source.textbook.isbn,
        },
        "version": source.version,
        "published_at": source.published_at.isoformat() if source.published_at else None,
        "leaves": leaves,
        "print": printed,
        "assets": [{"id": pin.asset_id, **pin.copied()} for pin in pins],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    storage.put_bytes(prefix + MANIFEST, manifest_bytes, "application/json", overwrite=True)
    checksum = sha256_hex(manifest_bytes)
    marker = f"{checksum}  {MANIFEST}\n".encode()
    if not storage.put_bytes(prefix + MARKER, marker, "text/plain"):
        raise ArchiveExists(prefix)  # another writer finished first
    record.manifest, record.checksum, record.completed_at = manifest, checksum, timezone.now()
    # Recorded only if no other writer of this edition recorded its archive meanwhile.
    if not EditionArchive.objects.filter(pk=record.pk, completed_at__isnull=True).update(
        prefix=prefix, manifest=manifest, checksum=checksum, completed_at=record.completed_at
    ):
        raise ArchiveExists(prefix)
    return record


def archive_edition(edition):
    """Archive a published edition; logged, never raised: publishing has already committed.
    An archive that could not be written stays incomplete for ``archive_editions`` to retry."""
    try:
        return write_archive(source_for_edition(edition))
    except ArchiveExists:
        return None
    except (storage.MediaStorageError, PrintUnavailable):
        logger.exception("archive of edition %s not written", edition.pk)
        return None


def _own_archive(edition, source):
    """``edition``'s complete archive record, if the one recorded is this edition's."""
    record = EditionArchive.objects.filter(
        textbook_id=edition.textbook_id, version=edition.version, completed_at__isnull=False
    ).first()
    return record if record is not None and is_archive_of(record.manifest, source) else None


def archived_print(edition):
    """The storage key of ``edition``'s print PDF in its complete archive, the archive
    written first if the edition has none of its own yet (the task that writes it after
    publishing failed, or has not run); None when it cannot be written now."""
    source = source_for_edition(edition)
    record = _own_archive(edition, source)
    if record is None and unavailable_reason() is None:
        archive_edition(edition)  # logged, never raised
        record = _own_archive(edition, source)
    printed = record.manifest.get("print") if record is not None else None
    return printed["key"] if printed else None


def archived_replacement_pack(old, new):
    """The storage key of the replacement pack from edition ``old`` to ``new``, made from
    their manifests and stored the first time it is asked for (outside the archives, which
    never change once complete). Raises PrintUnavailable, MediaStorageError."""
    # Named after both editions' identities, not their ids alone: a pack an earlier database
    # left under the same ids is another pack.
    both = json.dumps([identity(source_for_edition(e)) for e in (old, new)]).encode()
    key = (
        f"{PACKS}textbook-{new.textbook_id}/{old.version}-{new.version}-{sha256_hex(both)[:16]}.pdf"
    )
    if not storage.exists(key):
        # Two first requests at once both render; the store keeps the first.
        storage.put_bytes(key, replacement_pack(old, new), "application/pdf")
    return key


def archive_prefixes():
    """Every archive prefix found in storage."""
    textbooks, _files = storage.listdir(ROOT)
    return sorted(
        f"{ROOT}{textbook}/{version}/"
        for textbook in textbooks
        for version in storage.listdir(f"{ROOT}{textbook}/")[0]
    )


def verify_archive(prefix):
    """Recompute every checksum of the archive at ``prefix``; return the problems found."""
    if not storage.exists(prefix + MARKER):
        return [_("%(prefix)s：未完成（没有完成标记）。") % {"prefix": prefix}]
    expected = storage.read(prefix + MARKER).decode().split()[0]
    manifest_bytes = storage.read(prefix + MANIFEST)
    problems = []
    if sha256_hex(manifest_bytes) != expected:
        problems.append(_("%(prefix)s：清单校验和不符。") % {"prefix": prefix})
    manifest = json.loads(manifest_bytes)
    printed = [manifest["print"]] if manifest.get("print") else []
    for entry in manifest["leaves"] + printed + manifest["assets"]:
        try:
            actual = sha256_hex(storage.read(entry["key"]))
        except storage.MediaStorageError:
            problems.append(_("%(key)s：无法读取。") % {"key": entry["key"]})
            continue
        if actual != entry["sha256"]:
            problems.append(_("%(key)s：校验和不符。") % {"key": entry["key"]})
    return problems


def archived_keys():
    """Asset keys referred to by any archive manifest (kept by media_orphans)."""
    keys = set()
    for manifest in EditionArchive.objects.values_list("manifest", flat=True):
        for entry in manifest.get("assets", []):
            keys.update(key for key in (entry["key"], entry.get("poster_key")) if key)
    return keys
