"""The S3 path, against a real HTTP S3 endpoint (moto's server on 127.0.0.1)."""

import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from media import storage
from media.models import MediaAsset, ShortLink
from tests.media.conftest import (
    BUCKET,
    S3Endpoint,
    elf_bytes,
    media_block,
    mp4_bytes,
    replace_asset,
)
from tests.media.test_admin_upload import post_asset
from tests.workflow.conftest import published_edition


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read()


def test_admin_upload_lands_in_the_bucket_and_reads_back(client, users, textbook, s3):
    client.force_login(users["author"])
    response = post_asset(client, textbook, "g71.mp4", mp4_bytes())
    assert response.status_code == 302
    asset = MediaAsset.objects.get()
    assert s3.keys() == [asset.file.name]
    head = s3.client().head_object(Bucket=BUCKET, Key=asset.file.name)
    assert head["ContentType"] == "video/mp4"
    assert storage.read(asset.file.name) == mp4_bytes()


def test_same_bytes_twice_are_one_object(client, users, textbook, s3):
    client.force_login(users["author"])
    post_asset(client, textbook, "a.mp4", mp4_bytes(), title="一")
    post_asset(client, textbook, "b.mp4", mp4_bytes(), title="二")
    assert MediaAsset.objects.count() == 2
    assert len(s3.keys()) == 1


def test_presigned_url_returns_the_bytes_and_is_short_lived(client, users, textbook, s3, settings):
    client.force_login(users["author"])
    post_asset(client, textbook, "g71.mp4", mp4_bytes())
    asset = MediaAsset.objects.get()

    response = client.get(reverse("media:asset", args=[asset.pk]))
    assert response.status_code == 302
    assert response["Cache-Control"].startswith("max-age=0")  # each scan signs anew
    location = response["Location"]
    assert location.startswith(f"{s3.url}/{BUCKET}/{asset.file.name}?")
    assert fetch(location) == (200, mp4_bytes())
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["300"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 60

    # moto 5.2.5 serves expired presigned URLs (it never compares X-Amz-Date + X-Amz-Expires
    # with the clock), so the refusal itself is S3's; what we control is the signed lifetime.
    settings.AWS_QUERYSTRING_EXPIRE = 1
    short_lived = client.get(reverse("media:asset", args=[asset.pk]))["Location"]
    assert parse_qs(urlsplit(short_lived).query)["X-Amz-Expires"] == ["1"]


def test_endpoint_stopped_mid_upload_leaves_neither_object_nor_row(client, users, textbook, s3):
    client.force_login(users["author"])
    events = storages["default"].connection.meta.client.meta.events
    # The existence check has reached the server; it goes down as the bytes are sent.
    events.register("before-send.s3.PutObject", lambda **kwargs: s3.stop())

    response = post_asset(client, textbook, "g71.mp4", mp4_bytes())

    assert response.status_code == 200
    assert "存储服务暂时无法访问，文件没有保存，请稍后重试。" in response.content.decode()
    assert not MediaAsset.objects.exists()
    restarted = S3Endpoint()  # same in-process state, new port
    try:
        assert restarted.keys() == []
    finally:
        restarted.stop()


def test_endpoint_down_before_upload_gives_the_same_message(client, users, textbook, s3):
    client.force_login(users["author"])
    s3.stop()
    response = post_asset(client, textbook, "g71.mp4", mp4_bytes())
    assert response.status_code == 200
    assert "存储服务暂时无法访问" in response.content.decode()
    assert not MediaAsset.objects.exists()


def test_executable_renamed_mp4_never_reaches_the_bucket(client, users, textbook, s3):
    client.force_login(users["author"])
    response = post_asset(client, textbook, "lesson.mp4", elf_bytes())
    assert "ELF 可执行程序（application/x-executable）" in response.content.decode()
    assert not MediaAsset.objects.exists()
    assert s3.keys() == []


def test_published_asset_is_public_and_goes_through_the_cdn(
    client, users, school_textbook, s3, settings, make_asset, add_leaf
):
    published = make_asset(school_textbook, title="已发布")
    draft_only = make_asset(school_textbook, title="草稿中", data=mp4_bytes("草稿"))
    add_leaf(school_textbook, "u1", blocks=[media_block(published)])
    published_edition(school_textbook, users["author"], users["reviewer"], users["national"])
    add_leaf(school_textbook, "u2", blocks=[media_block(draft_only)])
    settings.MEDIA_CDN_BASE_URL = "https://cdn.example.org/textbooks/"

    public = client.get(reverse("media:asset", args=[published.pk]))
    assert public["Location"] == f"https://cdn.example.org/textbooks/{published.file.name}"

    hidden = client.get(reverse("media:asset", args=[draft_only.pk]))
    assert hidden.status_code == 302 and "/login/" in hidden["Location"]

    client.force_login(users["author"])
    signed = client.get(reverse("media:asset", args=[draft_only.pk]))["Location"]
    assert signed.startswith(f"{s3.url}/{BUCKET}/") and "X-Amz-Signature=" in signed
    assert fetch(signed) == (200, mp4_bytes("草稿"))


def test_readers_are_signed_the_pinned_copy_after_the_file_is_replaced(
    client, users, school_textbook, s3, make_asset, add_leaf
):
    video = make_asset(school_textbook, title="G71 循环演示", data=mp4_bytes("审核过的视频"))
    add_leaf(school_textbook, "u1", blocks=[media_block(video)])
    published_edition(school_textbook, users["author"], users["reviewer"], users["national"])
    client.force_login(users["author"])
    replace_asset(client, video, mp4_bytes("未审核的视频"))
    client.logout()

    assert len(s3.keys()) == 2  # the replacement is a new object; the pinned one stays
    for url in (reverse("media:asset", args=[video.pk]), f"/r/{ShortLink.for_asset(video).code}/"):
        signed = client.get(url)["Location"]
        assert "X-Amz-Signature=" in signed
        assert fetch(signed) == (200, mp4_bytes("审核过的视频"))


def test_storage_down_when_reading_is_a_clear_503(client, users, textbook, s3, make_asset):
    asset = make_asset(textbook)
    client.force_login(users["author"])
    s3.stop()
    # Presigning is local, so the redirect still works; reading bytes through us would not.
    response = client.get(reverse("media:asset", args=[asset.pk]))
    assert response.status_code == 302
    with pytest.raises(storage.MediaStorageError):
        storage.read(asset.file.name)
