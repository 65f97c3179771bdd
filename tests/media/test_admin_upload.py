"""Uploading assets through the Wagtail admin (filesystem storage)."""

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from media.models import MediaAsset
from tests.media.conftest import elf_bytes, mp4_bytes, pe_bytes, upload

ADD = "wagtailsnippets_media_mediaasset:add"
EDIT = "wagtailsnippets_media_mediaasset:edit"


def post_asset(client, textbook, name, data, *, kind="video", title="G71 循环演示"):
    return client.post(
        reverse(ADD),
        {
            "title": title,
            "kind": kind,
            "textbook": textbook.pk,
            "file": upload(name, data),
            "transcript": "",
        },
    )


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_author_uploads_a_video(client, users, textbook, media_root):
    client.force_login(users["author"])
    response = post_asset(client, textbook, "g71.mp4", mp4_bytes())
    assert response.status_code == 302
    asset = MediaAsset.objects.get()
    assert (asset.kind, asset.content_type, asset.size) == ("video", "video/mp4", len(mp4_bytes()))
    assert asset.file.name == f"assets/{asset.sha256[:2]}/{asset.sha256}.mp4"
    assert asset.uploaded_by == users["author"]
    assert stored_files(media_root) == [asset.file.name]
    with storages["default"].open(asset.file.name, "rb") as handle:
        assert handle.read() == mp4_bytes()


def test_same_bytes_twice_are_stored_once(client, users, textbook, media_root):
    client.force_login(users["author"])
    post_asset(client, textbook, "a.mp4", mp4_bytes(), title="第一次")
    post_asset(client, textbook, "b.mp4", mp4_bytes(), title="第二次")
    first, second = MediaAsset.objects.order_by("pk")
    assert first.file.name == second.file.name
    assert stored_files(media_root) == [first.file.name]


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (elf_bytes(), "ELF 可执行程序（application/x-executable）"),
        (pe_bytes(), "Windows 可执行程序（PE）（application/x-msdownload）"),
    ],
)
def test_executable_renamed_mp4_is_refused(client, users, textbook, media_root, data, named):
    client.force_login(users["author"])
    response = post_asset(client, textbook, "lesson.mp4", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"文件内容实际是 {named}，不是允许的视频格式" in page
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_oversize_is_refused(client, users, textbook, media_root, settings):
    settings.MEDIA_ASSET_RULES = {
        **settings.MEDIA_ASSET_RULES,
        "video": {"max_size": 40, "content_types": ["video/mp4"]},
    }
    client.force_login(users["author"])
    response = post_asset(client, textbook, "big.mp4", mp4_bytes())
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert not MediaAsset.objects.exists()
    assert stored_files(media_root) == []


def test_author_chooses_only_own_textbooks(client, users, textbook, make_textbook):
    other = make_textbook(users["other_author"], is_mixed_media=True)
    client.force_login(users["author"])
    response = post_asset(client, other, "g71.mp4", mp4_bytes())
    assert response.status_code == 200
    assert "textbook" in response.context["form"].errors
    assert not MediaAsset.objects.exists()


def test_replacing_the_file_keeps_the_asset_and_its_id(client, users, textbook, make_asset):
    asset = make_asset(textbook)
    client.force_login(users["author"])
    response = client.post(
        reverse(EDIT, args=[asset.pk]),
        {
            "title": asset.title,
            "kind": "video",
            "textbook": textbook.pk,
            "file": upload("new.mp4", mp4_bytes("第二版")),
            "transcript": "WEBVTT",
        },
    )
    assert response.status_code == 302
    replaced = MediaAsset.objects.get(pk=asset.pk)
    assert replaced.file.name != asset.file.name
    assert replaced.size == len(mp4_bytes("第二版"))
    assert replaced.transcript == "WEBVTT"


def test_changing_kind_needs_a_new_file(client, users, textbook, make_asset):
    asset = make_asset(textbook)
    client.force_login(users["author"])
    response = client.post(
        reverse(EDIT, args=[asset.pk]),
        {"title": asset.title, "kind": "document", "textbook": textbook.pk, "transcript": ""},
    )
    assert response.status_code == 200
    assert "更改资源类型时，请重新上传对应类型的文件。" in response.content.decode()
    assert MediaAsset.objects.get(pk=asset.pk).kind == "video"
