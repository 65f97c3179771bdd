"""media_orphans: stored objects no asset refers to, and assets no page refers to."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from media import storage
from media.models import MediaAsset
from tests.media.conftest import edit_leaf, media_block, mp4_bytes


@pytest.fixture
def shelf(users, textbook, make_asset, add_leaf):
    live = make_asset(textbook, title="已发布使用", data=mp4_bytes("一"))
    in_draft = make_asset(textbook, title="草稿使用", data=mp4_bytes("二"))
    unused = make_asset(textbook, title="无人使用", data=mp4_bytes("三"))
    fresh = make_asset(textbook, title="刚上传", data=mp4_bytes("四"))
    leaf = add_leaf(textbook, "u1", blocks=[media_block(live)], publish=True)
    # The draft drops the published video and uses another: both stay referenced.
    edit_leaf(leaf, users["author"], [media_block(in_draft)])
    a_day_ago = timezone.now() - timedelta(hours=25)
    MediaAsset.objects.exclude(pk=fresh.pk).update(created_at=a_day_ago)
    storage.put_bytes("assets/ff/stray.mp4", mp4_bytes("孤儿"), "video/mp4")
    return {"live": live, "in_draft": in_draft, "unused": unused, "fresh": fresh}


def test_lists_without_deleting(shelf, capsys):
    call_command("media_orphans")
    out = capsys.readouterr().out
    assert f"未被引用的资源 #{shelf['unused'].pk} 无人使用" in out
    assert "无资源引用的存储对象 assets/ff/stray.mp4" in out
    for kept in ("live", "in_draft", "fresh"):
        assert shelf[kept].title not in out
    assert MediaAsset.objects.count() == 4
    assert storage.exists("assets/ff/stray.mp4")


def test_delete_removes_the_orphans_and_their_objects(shelf, capsys):
    unused_key = shelf["unused"].file.name
    call_command("media_orphans", "--delete")
    assert set(MediaAsset.objects.values_list("title", flat=True)) == {
        "已发布使用",
        "草稿使用",
        "刚上传",
    }
    assert not storage.exists("assets/ff/stray.mp4")
    assert not storage.exists(unused_key)
    for kept in ("live", "in_draft", "fresh"):
        assert storage.exists(shelf[kept].file.name)
    capsys.readouterr()
    call_command("media_orphans")  # idempotent: nothing left to report
    assert capsys.readouterr().out == ""
