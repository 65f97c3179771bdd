"""Teachers download an edition's print PDF and a loose-leaf replacement pack from the site:
the PDF is the one made into the edition's archive when it was published, never rendered
again from the live pages; without PDF support the site says how to enable it."""

import hashlib
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from media import storage
from tests.workflow.conftest import add_leaf, edit_leaf, published_edition
from tests.workflow.test_printing import footer_codes, media_root, pages_text, pdf_tools  # noqa: F401
from workflow import archives, printing
from workflow.models import CaseKind, EditionArchive

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content)


@pytest.fixture
def binder(pdf_tools, media_root, users, make_textbook, django_capture_on_commit_callbacks):  # noqa: F811
    """A loose-leaf textbook of three leaves, published as 1.0 (its archive written)."""
    author = users["author"]
    textbook = make_textbook(author, tier="school")
    leaves = [
        add_leaf(textbook, slug, f"{slug} 的正文", author) for slug in ("safety", "g71", "thread")
    ]

    def publish(kind=CaseKind.INITIAL, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return published_edition(
                textbook, author, users["reviewer"], users["national"], kind, **extra
            )

    return {"textbook": textbook, "leaves": leaves, "publish": publish, "author": author}


def test_the_print_pdf_is_the_archived_one_with_every_leaf_in_order(client, binder):
    textbook, leaves = binder["textbook"], binder["leaves"]
    edition = binder["publish"]()
    manifest = EditionArchive.objects.get(textbook=textbook, version="1.0").manifest
    printed = manifest["print"]

    response = client.get(f"/textbooks/{textbook.slug}/editions/1.0/print.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = body(response)
    assert hashlib.sha256(pdf).hexdigest() == printed["sha256"] and len(pdf) == printed["size"]
    text = "\n".join(pages_text(pdf))
    titles = [row.page.title for row in edition.leaves.select_related("page")]
    assert titles == [leaf.title for leaf in leaves]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)

    # A later draft, or a machine that can no longer render, changes nothing: it is served
    # from the archive.
    edit_leaf(leaves[0], "草稿：尚未审核的内容", binder["author"])
    assert body(client.get(f"/textbooks/{textbook.slug}/editions/1.0/print.pdf")) == pdf

    # The textbook page and the edition page link to it.
    link = f'href="/textbooks/{textbook.slug}/editions/1.0/print.pdf"'
    assert link in client.get(textbook.page.url).content.decode()
    assert link in client.get(f"/textbooks/{textbook.slug}/editions/1.0/").content.decode()


def test_without_pdf_support_the_page_says_how_to_enable_it(client, monkeypatch, binder, caplog):
    def no_pango(name):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(printing, "import_module", no_pango)
    textbook = binder["textbook"]
    binder["publish"]()  # the archive cannot be written without its PDF: it stays incomplete
    assert not EditionArchive.objects.get(textbook=textbook, version="1.0").is_complete

    response = client.get(f"/textbooks/{textbook.slug}/editions/1.0/print.pdf")
    assert response.status_code == 503
    page = response.content.decode()
    assert "印刷版 PDF 暂不可用" in page and "make pdf-deps" in page
    assert "archive_editions" in page
    # Reading the edition is not affected.
    assert client.get(f"/textbooks/{textbook.slug}/editions/1.0/").status_code == 200


def test_the_replacement_pack_is_linked_from_the_comparison_and_reprints_changed_leaves(
    client, binder
):
    textbook, leaves, author = binder["textbook"], binder["leaves"], binder["author"]
    binder["publish"]()
    safety, g71, thread = leaves
    edit_leaf(g71, "G71 的新说明", author)
    added = add_leaf(textbook, "inspect", "检验记录", author)
    binder["publish"](CaseKind.MINOR, remove=[thread.pk])

    compare = client.get(f"/textbooks/{textbook.slug}/editions/1.0/compare/1.1/")
    pack_url = reverse("editions:replacement_pack", args=[textbook.slug, "1.0", "1.1"])
    assert f'href="{pack_url}"' in compare.content.decode()

    response = client.get(pack_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = body(response)
    texts = pages_text(pdf)
    footers = footer_codes(texts, "1.1")
    assert sorted({code for code in footers if code}) == sorted([g71.code, added.code])
    sheet = "".join(texts[: next(i for i, code in enumerate(footers) if code)])
    assert thread.title in sheet and "已删除" in sheet
    # Kept once made: the second request is the same file.
    assert body(client.get(pack_url)) == pdf
    (kept,) = storage.list_keys(f"replacement-packs/textbook-{textbook.pk}/")
    assert kept.rsplit("/", 1)[1].startswith("1.0-1.1-")  # and both editions' identity

    # Backwards, or to itself, there is no pack.
    for old, new in [("1.1", "1.0"), ("1.0", "1.0")]:
        url = reverse("editions:replacement_pack", args=[textbook.slug, old, new])
        assert client.get(url).status_code == 404


def test_a_bound_textbook_has_no_replacement_pack(client, binder):
    textbook = binder["textbook"]
    textbook.is_loose_leaf, textbook.is_workbook = False, True
    textbook.save()
    binder["publish"]()
    edit_leaf(binder["leaves"][0], "新内容", binder["author"])
    binder["publish"](CaseKind.MINOR)
    url = reverse("editions:replacement_pack", args=[textbook.slug, "1.0", "1.1"])
    assert client.get(url).status_code == 404
    compare = client.get(f"/textbooks/{textbook.slug}/editions/1.0/compare/1.1/")
    assert url not in compare.content.decode()


def test_an_unknown_edition_has_no_pdf(client, binder):
    binder["publish"]()
    slug = binder["textbook"].slug
    for url in (
        f"/textbooks/{slug}/editions/9.9/print.pdf",
        f"/textbooks/{slug}/editions/x/print.pdf",
        f"/textbooks/{slug}/editions/1.0/replace/x.pdf",
        "/textbooks/no-such-book/editions/1.0/print.pdf",
    ):
        assert client.get(url).status_code == 404, url


def stale_archive(textbook, version):
    """A complete archive an earlier database left where this one's textbook (same id) and
    version would go: another book's print."""
    prefix = archives.archive_prefix(textbook, version)
    pdf = b"%PDF-1.7 another database's book"
    manifest = {
        "format": 2,
        "textbook": {"id": textbook.pk, "slug": "old-book", "title": "旧库的书", "isbn": ""},
        "version": version,
        "published_at": "2020-01-01T00:00:00+00:00",
        "leaves": [],
        "print": {"key": prefix + "print.pdf", "sha256": archives.sha256_hex(pdf), "size": 9},
        "assets": [],
    }
    manifest_bytes = json.dumps(manifest).encode()
    storage.put_bytes(prefix + "print.pdf", pdf, "application/pdf")
    storage.put_bytes(prefix + "manifest.json", manifest_bytes, "application/json")
    marker = f"{archives.sha256_hex(manifest_bytes)}  manifest.json\n".encode()
    storage.put_bytes(prefix + "COMPLETE", marker, "text/plain")
    return prefix, pdf


def test_an_archive_left_by_an_earlier_database_is_not_taken_for_this_edition(client, binder):
    textbook = binder["textbook"]
    stale_prefix, stale_pdf = stale_archive(textbook, "1.0")

    binder["publish"]()

    record = EditionArchive.objects.get(textbook=textbook, version="1.0")
    assert record.is_complete and record.prefix.startswith(stale_prefix[:-1] + "-")
    response = client.get(f"/textbooks/{textbook.slug}/editions/1.0/print.pdf")
    assert response.status_code == 200
    pdf = body(response)
    assert (
        pdf != stale_pdf and hashlib.sha256(pdf).hexdigest() == record.manifest["print"]["sha256"]
    )
    assert storage.read(stale_prefix + "print.pdf") == stale_pdf  # never overwritten
    call_command("verify_archives")  # both verify: each is whole, each the archive it says


def test_a_missing_or_foreign_archive_record_is_written_when_the_print_is_asked_for(client, binder):
    textbook = binder["textbook"]
    binder["publish"]()
    url = f"/textbooks/{textbook.slug}/editions/1.0/print.pdf"
    first = body(client.get(url))

    # A record naming another edition (a restored table, a reused id) is not this one's.
    EditionArchive.objects.update(
        manifest={**EditionArchive.objects.get().manifest, "published_at": "2020-01-01"}
    )
    response = client.get(url)
    assert response.status_code == 200 and body(response).startswith(b"%PDF-")
    record = EditionArchive.objects.get()
    assert record.is_complete and record.prefix != archives.archive_prefix(textbook, "1.0")

    # No record at all (the archive task never ran): written now, not a 503.
    EditionArchive.objects.all().delete()
    response = client.get(url)
    assert response.status_code == 200 and body(response).startswith(b"%PDF-")
    assert EditionArchive.objects.get().is_complete
    assert first.startswith(b"%PDF-")
