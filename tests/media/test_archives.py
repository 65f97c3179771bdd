"""Edition archives: written when an edition is published, never overwritten, verifiable;
and short links that reach an edition's copy of a resource after it has been replaced."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from media import storage
from media.models import MediaAsset, ShortLink
from tests.media.conftest import S3Endpoint, media_block, mp4_bytes, replace_asset
from tests.workflow.conftest import add_leaf, published_edition
from workflow.archives import ArchiveExists, archive_prefix, source_for_edition, write_archive
from workflow.models import CaseKind, EditionArchive


@pytest.fixture
def book(users, make_textbook, make_asset):
    """A school-tier mixed-media textbook with one leaf showing one video."""
    textbook = make_textbook(users["author"], tier="school", is_mixed_media=True)
    asset = make_asset(textbook, title="G71 循环演示", data=mp4_bytes("第一版视频"))
    leaf = add_leaf(textbook, "unit-1", "正文", users["author"])
    leaf = leaf.get_latest_revision_as_object()
    leaf.body = [{"type": "rich_text", "value": "<p>正文</p>"}, media_block(asset)]
    leaf.save_revision(user=users["author"])
    return textbook, leaf, asset


def publish(book, users, capture, kind=CaseKind.INITIAL):
    textbook = book[0]
    with capture(execute=True):
        return published_edition(
            textbook, users["author"], users["reviewer"], users["national"], kind
        )


def replace_video(client, asset, text):
    replace_asset(client, asset, mp4_bytes(text))


def body_of(response):
    if response.status_code == 302:
        return response["Location"]
    return b"".join(response.streaming_content)


def test_publishing_writes_a_complete_verifiable_archive(
    users, book, django_capture_on_commit_callbacks, capsys
):
    textbook, leaf, asset = book
    edition = publish(book, users, django_capture_on_commit_callbacks)

    record = EditionArchive.objects.get(textbook=textbook, version="1.0")
    prefix = archive_prefix(textbook, "1.0")
    assert record.is_complete and record.prefix == prefix
    assert sorted(storage.list_keys(prefix)) == [
        prefix + "COMPLETE",
        prefix + "leaves/001-unit-1.html",
        prefix + "manifest.json",
        prefix + "print.pdf",
    ]
    manifest = json.loads(storage.read(prefix + "manifest.json"))
    assert manifest["version"] == "1.0"
    pdf = storage.read(prefix + "print.pdf")
    assert pdf.startswith(b"%PDF-")
    assert manifest["print"] == {
        "key": prefix + "print.pdf",
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "size": len(pdf),
    }
    assert [(e["page_id"], e["revision_id"]) for e in manifest["leaves"]] == [
        (row.page_id, row.revision_id) for row in edition.leaves.all()
    ]
    assert manifest["assets"] == [
        {
            "id": asset.pk,
            "title": asset.title,
            "kind": "video",
            "key": asset.file.name,
            "sha256": asset.sha256,
            "size": asset.size,
            "content_type": "video/mp4",
            "poster_key": "",
            "transcript": "",
        }
    ]
    html = storage.read(prefix + "leaves/001-unit-1.html").decode()
    assert "G71 循环演示" in html and "/r/" in html  # the video links to the 1.0 copy
    assert storage.read(prefix + "COMPLETE").decode().split()[0] == record.checksum

    call_command("verify_archives")
    assert "全部 1 个归档校验通过" in capsys.readouterr().out

    with pytest.raises(ArchiveExists):
        write_archive(source_for_edition(edition))
    assert (
        storage.read(prefix + "manifest.json")
        == json.dumps(record.manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    )


@pytest.mark.parametrize("name", ["leaves/001-unit-1.html", "print.pdf"])
def test_verify_reports_a_tampered_file(users, book, django_capture_on_commit_callbacks, name):
    textbook = book[0]
    publish(book, users, django_capture_on_commit_callbacks)
    key = archive_prefix(textbook, "1.0") + name
    storage.delete(key)
    storage.put_bytes(key, b"changed", "text/html")
    with pytest.raises(CommandError, match="1 个问题"):
        call_command("verify_archives")


def test_qr_link_follows_the_replacement_and_the_edition_link_keeps_the_old(
    client, users, book, django_capture_on_commit_callbacks
):
    textbook, leaf, asset = book
    publish(book, users, django_capture_on_commit_callbacks)
    old_key = MediaAsset.objects.get(pk=asset.pk).file.name
    code = ShortLink.for_asset(asset).code

    client.force_login(users["author"])
    replace_video(client, asset, "第二版视频")
    edited = leaf.get_latest_revision_as_object()
    edited.title = "单元 unit-1（修订）"
    edited.save_revision(user=users["author"])
    publish(book, users, django_capture_on_commit_callbacks, kind=CaseKind.MINOR)
    client.logout()

    # Hygiene keeps what an archive refers to, though no asset row points there any more.
    call_command("media_orphans", "--delete", "--grace-hours", "0")
    assert storage.exists(old_key)

    current = client.get(f"/r/{code}/", follow=True)
    assert body_of(current) == mp4_bytes("第二版视频")
    old = client.get(f"/r/{code}/1.0/")
    assert body_of(old) == mp4_bytes("第一版视频")
    assert MediaAsset.objects.get(pk=asset.pk).file.name != old_key

    leaf_code = ShortLink.for_page(leaf).code
    assert client.get(f"/r/{leaf_code}/")["Location"].endswith("/unit-1/")
    assert client.get(f"/r/{leaf_code}/1.0/")["Location"] == (
        f"/textbooks/{textbook.slug}/editions/1.0/unit-1/"
    )
    assert client.get(f"/r/{leaf_code}/9.9/").status_code == 404


def test_storage_failing_mid_archive_never_marks_it_complete(
    s3, users, book, django_capture_on_commit_callbacks, settings, capsys
):
    textbook = book[0]
    events = storage.get_storage().connection.meta.client.meta.events

    def stop_before_manifest(request, **kwargs):
        if request.url.endswith("manifest.json"):
            s3.stop()

    events.register("before-send.s3.PutObject", stop_before_manifest)
    edition = publish(book, users, django_capture_on_commit_callbacks)

    assert edition.version == "1.0"  # publishing itself stands
    record = EditionArchive.objects.get(textbook=textbook, version="1.0")
    assert not record.is_complete
    prefix = archive_prefix(textbook, "1.0")
    restarted = S3Endpoint()  # same in-process bucket, reachable again
    try:
        restarted.use(settings)
        assert prefix + "COMPLETE" not in restarted.keys()
        assert prefix + "leaves/001-unit-1.html" in restarted.keys()
        with pytest.raises(CommandError):
            call_command("verify_archives")
        assert "未完成" in capsys.readouterr().err

        call_command("archive_editions")
        assert EditionArchive.objects.get(pk=record.pk).is_complete
        call_command("verify_archives")
        assert "全部 1 个归档校验通过" in capsys.readouterr().out
    finally:
        restarted.stop()


def test_a_replacement_shows_only_once_a_new_edition_publishes_it(
    client, users, book, django_capture_on_commit_callbacks, capsys
):
    _textbook, leaf, asset = book
    publish(book, users, django_capture_on_commit_callbacks)
    code = ShortLink.for_asset(asset).code
    client.force_login(users["author"])
    replace_video(client, asset, "未审核的新视频")
    # Writers preview the new file; readers still get what the current edition reviewed.
    assert body_of(client.get(reverse("media:asset", args=[asset.pk]))) == mp4_bytes(
        "未审核的新视频"
    )
    client.logout()
    assert body_of(client.get(f"/r/{code}/")) == mp4_bytes("第一版视频")
    page = client.get(leaf.url).content.decode()
    assert f'src="/r/{code}/1.0/"' in page


def test_assets_an_edition_pins_are_not_orphans(
    users, book, make_asset, django_capture_on_commit_callbacks, capsys
):
    textbook, leaf, old = book
    publish(book, users, django_capture_on_commit_callbacks)
    new = make_asset(textbook, title="新视频", data=mp4_bytes("新"))
    edited = leaf.get_latest_revision_as_object()
    edited.body = [media_block(new)]
    edited.save_revision(user=users["author"])
    publish(book, users, django_capture_on_commit_callbacks, kind=CaseKind.MINOR)
    EditionArchive.objects.update(manifest={})  # even without the archives' record
    call_command("media_orphans", "--grace-hours", "0")
    assert capsys.readouterr().out == ""
