"""The S3 endpoint (moto's server on 127.0.0.1) stops while an author replaces a media file,
and while an edition's archive is being written after its publish committed. (Stopped
mid-upload of a new asset: tests/media/test_s3.py::
test_endpoint_stopped_mid_upload_leaves_neither_object_nor_row.)"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from media.models import MediaAsset
from media.services import create_asset
from media.storage import read
from tests.media.conftest import S3Endpoint, mp4_bytes, upload
from tests.workflow.conftest import passed_case
from workflow.archives import MARKER, verify_archive
from workflow.models import CaseState, Edition, EditionArchive, ReviewCase


def stop_after_first_put(s3):
    """Stop the real server once the first object of the archive has reached it."""
    events = storages["default"].connection.meta.client.meta.events
    events.register_first("after-call.s3.PutObject", lambda **kwargs: s3.stop())


def test_s3_stopped_while_replacing_a_video_says_so_and_keeps_the_old_one(
    client, users, s3, settings, make_textbook
):
    textbook = make_textbook(users["author"], is_mixed_media=True)
    video = create_asset(
        title="G71 循环演示",
        kind="video",
        textbook=textbook,
        user=users["author"],
        fileobj=ContentFile(mp4_bytes("第一版"), name="clip.mp4"),
    )
    stored = video.file.name
    client.force_login(users["author"])
    events = storages["default"].connection.meta.client.meta.events
    # The new bytes are on their way when the server goes down.
    events.register_first("before-send.s3.PutObject", lambda **kwargs: s3.stop())

    response = client.post(
        reverse("wagtailsnippets_media_mediaasset:edit", args=[video.pk]),
        {
            "title": "G71 循环演示（新）",
            "kind": "video",
            "textbook": textbook.pk,
            "file": upload("v2.mp4", mp4_bytes("第二版")),
            "transcript": "",
        },
    )

    assert response.status_code == 200
    assert "存储服务暂时无法访问，文件没有保存，请稍后重试。" in response.content.decode()
    video = MediaAsset.objects.get(pk=video.pk)
    assert (video.title, video.file.name) == ("G71 循环演示", stored)
    restarted = S3Endpoint()
    try:
        restarted.use(settings)
        assert restarted.keys() == [stored]
        assert read(stored) == mp4_bytes("第一版")
    finally:
        restarted.stop()


def test_s3_stopped_while_archiving_a_publish_still_publishes_and_leaves_no_complete_archive(
    client, world, s3, settings, django_capture_on_commit_callbacks
):
    u = world["users"]
    case = passed_case(world["textbook"], u["author"], u["reviewer"], u["national"])
    client.force_login(u["national"])
    stop_after_first_put(s3)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workflow:publish", args=[case.pk]), follow=True)

    # The edition is what the reviewers approved, committed before any byte went to S3:
    # the administrator is told it is published, and teachers can read it.
    assert response.status_code == 200
    assert "已发布第 1.0 版。" in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.PUBLISHED
    assert Edition.objects.get(textbook=world["textbook"]).version == "1.0"
    assert client.get(world["textbook"].page.url).status_code == 200
    # Its archive is not passed off as finished: no COMPLETE marker, the record incomplete.
    record = EditionArchive.objects.get(textbook=world["textbook"], version="1.0")
    assert record.completed_at is None and record.checksum == ""
    restarted = S3Endpoint()  # the same bucket, a new port
    try:
        restarted.use(settings)
        written = restarted.keys()
        assert len(written) == 1  # the one object that got through before the stop
        assert not any(key.endswith(MARKER) for key in written)

        # Once S3 is back, the documented retry completes it, leftovers replaced.
        out = io.StringIO()
        call_command("archive_editions", stdout=out, stderr=io.StringIO())
        assert "已归档" in out.getvalue()
        record.refresh_from_db()
        assert record.completed_at is not None
        assert verify_archive(record.prefix) == []
        assert f"{record.prefix}{MARKER}" in restarted.keys()
    finally:
        restarted.stop()
