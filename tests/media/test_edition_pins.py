"""An edition pins every resource a reader sees: its reviewed bytes and title.

Issue 12, problems 1-4: what an author does to an asset after publication (replace its file or
title, delete it, point a leaf at a missing or another textbook's asset) reaches readers only
through the next reviewed edition, or not at all.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from media.models import MediaAsset, ShortLink
from tests.media.conftest import media_block, mp4_bytes, replace_asset
from tests.workflow.conftest import (
    SCORES,
    documents,
    due,
    passed_case,
    published_edition,
    submitted_case,
)
from textbooks.blocks import LeafStreamBlock
from textbooks.models import UnitPage
from workflow import services
from workflow.archives import render_leaf
from workflow.models import CaseKind, EditionLeaf, PinnedRevision, ReviewCase
from workflow.services.errors import WorkflowError

REVIEWED = mp4_bytes("审核过的视频")
UNREVIEWED = mp4_bytes("未审核的视频")


@pytest.fixture
def book(users, school_textbook, make_asset):
    """A textbook whose edition 1.0 shows one reviewed video in leaf unit-1."""
    video = make_asset(school_textbook, title="G71 循环演示", data=REVIEWED)
    leaf = UnitPage(title="单元 1", slug="unit-1", live=False, owner=users["author"])
    leaf.body = LeafStreamBlock().to_python([media_block(video)])
    school_textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=users["author"])
    edition = published_edition(
        school_textbook, users["author"], users["reviewer"], users["national"]
    )
    return {
        "textbook": school_textbook,
        "video": video,
        "leaf": UnitPage.objects.get(pk=leaf.pk),
        "edition": edition,
    }


def body_of(client, url):
    """The bytes a reader gets at ``url``, following redirects (short links, presigning)."""
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content)


def video_src(html):
    return re.search(r'<video[^>]*src="([^"]+)"', html).group(1)


def draft(leaf, user, blocks, *, clean=True):
    """Save a new revision of ``leaf`` with ``blocks``; ``clean=False`` stands for content
    saved before leaves were checked (legacy data)."""
    page = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
    page.body = blocks
    return page.save_revision(user=user, clean=clean)


def publish_minor(textbook, users):
    return published_edition(
        textbook, users["author"], users["reviewer"], users["national"], CaseKind.MINOR
    )


# ---- Problem 1: a replaced file or title reaches readers only through review ----


def test_problem_1_a_replaced_video_reaches_readers_only_through_the_next_edition(
    client, users, book
):
    textbook, video, leaf = book["textbook"], book["video"], book["leaf"]
    client.force_login(users["author"])
    replace_asset(client, video, UNREVIEWED, title="G71 循环演示（未审核）")
    # The author previews what they uploaded.
    assert body_of(client, reverse("media:asset", args=[video.pk])) == UNREVIEWED
    client.logout()

    # Teachers: the leaf page, the edition's page, the API and every link give edition 1.0.
    for url in (leaf.url, f"/textbooks/{textbook.slug}/editions/1.0/unit-1/"):
        page = client.get(url).content.decode()
        assert "G71 循环演示" in page and "未审核" not in page
        assert body_of(client, video_src(page)) == REVIEWED
    api = client.get(f"/api/v1/textbooks/{textbook.slug}/editions/1.0/leaves/unit-1/").json()
    shown = api["body"][0]["value"]["asset"]
    assert shown["title"] == "G71 循环演示"
    assert body_of(client, shown["url"]) == REVIEWED
    code = ShortLink.for_asset(video).code
    for url in (reverse("media:asset", args=[video.pk]), f"/r/{code}/", f"/r/{code}/1.0/"):
        assert body_of(client, url) == REVIEWED

    # The replacement is a change to submit; the author and the reviewer see it.
    client.force_login(users["author"])
    submit = client.get(reverse("workflow:submit", args=[textbook.pk])).content.decode()
    assert "资源已替换" in submit and "G71 循环演示（未审核）" in submit
    case = submitted_case(textbook, users["author"], CaseKind.MINOR)
    assignment = services.assign_reviewer(
        case,
        user=users["national"],
        reviewer=users["reviewer"],
        track_kind="subject",
        due_date=due(),
    )
    client.force_login(users["reviewer"])
    review = client.get(reverse("workflow:review", args=[assignment.pk])).content.decode()
    assert "资源已替换" in review and "G71 循环演示（未审核）" in review
    reviewed_src = re.findall(r'<video[^>]*src="([^"]+)"', review)
    assert [body_of(client, src) for src in reviewed_src] == [REVIEWED, UNREVIEWED]

    # Once reviewed and published, 1.1 shows it; 1.0 keeps what it showed.
    services.record_opinion(
        assignment, user=users["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    case = services.decide(ReviewCase.objects.get(pk=case.pk), user=users["national"])
    services.publish(case, user=users["national"])
    client.logout()
    page = client.get(leaf.url).content.decode()
    assert "G71 循环演示（未审核）" in page
    assert body_of(client, video_src(page)) == UNREVIEWED
    assert body_of(client, f"/r/{code}/") == UNREVIEWED
    assert body_of(client, f"/r/{code}/1.0/") == REVIEWED
    compare = client.get(f"/textbooks/{textbook.slug}/editions/1.0/compare/1.1/").content.decode()
    assert "资源已替换" in compare and "G71 循环演示（未审核）" in compare


def test_problem_1_a_file_replaced_during_review_is_not_what_gets_published(client, users, book):
    textbook, video = book["textbook"], book["video"]
    client.force_login(users["author"])
    replace_asset(client, video, UNREVIEWED, title="第二版标题")
    case = passed_case(
        textbook, users["author"], users["reviewer"], users["national"], CaseKind.MINOR
    )
    replace_asset(client, video, mp4_bytes("审核之后又换的视频"), title="第三版标题")
    edition = services.publish(case, user=users["national"])
    client.logout()

    assert edition.version == "1.1"
    page = client.get(book["leaf"].url).content.decode()
    assert "第二版标题" in page and "第三版标题" not in page
    assert body_of(client, video_src(page)) == UNREVIEWED
    assert body_of(client, f"/r/{ShortLink.for_asset(video).code}/") == UNREVIEWED


# ---- Problem 2: an asset an edition uses cannot be deleted ----


def test_problem_2_an_administrator_cannot_delete_an_asset_an_edition_shows(client, users, book):
    textbook, video, leaf = book["textbook"], book["video"], book["leaf"]
    client.force_login(users["national"])
    delete_url = reverse("wagtailsnippets_media_mediaasset:delete", args=[video.pk])
    for response in (client.get(delete_url, follow=True), client.post(delete_url, follow=True)):
        assert response.status_code == 200
        message = str(list(response.context["messages"])[-1])
        assert "不能删除" in message and f"{textbook.title} 第 1.0 版" in message
    bulk = client.post(
        reverse("wagtail_bulk_action", args=["media", "mediaasset", "delete"]) + f"?id={video.pk}",
        follow=True,
    )
    assert "不能删除" in str(list(bulk.context["messages"])[-1])
    with pytest.raises(ProtectedError):
        MediaAsset.objects.get(pk=video.pk).delete()
    assert MediaAsset.objects.filter(pk=video.pk).exists()

    client.logout()
    assert "G71 循环演示" in client.get(leaf.url).content.decode()
    code = ShortLink.for_asset(video).code
    assert client.get(f"/r/{code}/qr.svg").status_code == 200
    assert body_of(client, f"/r/{code}/") == REVIEWED


def test_problem_2_a_case_under_review_keeps_its_assets_until_it_closes(
    users, school_textbook, make_asset, add_leaf
):
    video = make_asset(school_textbook, title="送审中的视频")
    add_leaf(school_textbook, "unit-1", blocks=[media_block(video)])
    case = submitted_case(school_textbook, users["author"])
    with pytest.raises(ProtectedError, match="送审中的视频"):
        video.delete()
    services.withdraw(case, user=users["author"])
    video.delete()
    assert not MediaAsset.objects.filter(pk=video.pk).exists()


# ---- Problem 3: a block pointing at a missing asset ----


def test_problem_3_a_leaf_pointing_at_a_missing_asset_is_not_saved(client, users, book):
    leaf = book["leaf"]
    missing = {"type": "media_resource", "value": {"kind": "video", "asset": 999999}}
    with pytest.raises(ValidationError) as refused:
        draft(leaf, users["author"], [missing])
    assert asset_errors(refused.value.error_dict["body"][0]) == [
        "所选数字资源不存在（可能已被删除），请重新选择。"
    ]

    # In the page editor the error is on the block's resource chooser; nothing is saved.
    client.force_login(users["author"])
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[leaf.pk]), leaf_form(leaf, asset_id=999999)
    )
    assert response.status_code == 200
    assert asset_errors(response.context["form"].errors.as_data()["body"][0]) == [
        "所选数字资源不存在（可能已被删除），请重新选择。"
    ]
    assert UnitPage.objects.get(pk=leaf.pk).latest_revision_id == leaf.latest_revision_id


def test_problem_3_a_missing_asset_is_refused_at_submission_and_shown_as_unavailable(
    client, users, book
):
    textbook, leaf = book["textbook"], book["leaf"]
    missing = {"type": "media_resource", "value": {"kind": "video", "asset": 999999}}
    legacy = draft(leaf, users["author"], [missing], clean=False)
    case = services.open_case(textbook, user=users["author"], kind=CaseKind.MINOR)
    with pytest.raises(WorkflowError, match="“单元 1”引用的数字资源 #999999 不存在"):
        submit(case, users["author"])

    # A case and an edition pinned before these checks show the block as unavailable.
    draft(leaf, users["author"], [media_block(book["video"])])
    case = submit(case, users["author"])
    PinnedRevision.objects.filter(case=case).update(revision=legacy)
    assignment = services.assign_reviewer(
        case,
        user=users["national"],
        reviewer=users["reviewer"],
        track_kind="subject",
        due_date=due(),
    )
    client.force_login(users["reviewer"])
    review = client.get(reverse("workflow:review", args=[assignment.pk]))
    assert review.status_code == 200 and "资源不可用" in review.content.decode()

    EditionLeaf.objects.filter(edition=book["edition"]).update(revision=legacy)
    client.logout()
    page = client.get(leaf.url)
    assert page.status_code == 200 and "资源不可用" in page.content.decode()
    archived = render_leaf(legacy.as_object(), book["edition"]).decode()
    assert "资源不可用" in archived
    assert ShortLink.for_page(leaf).code not in archived  # no unrelated short link


# ---- Problem 4: another textbook's asset ----


def test_problem_4_a_leaf_cannot_show_another_textbooks_asset(
    client, users, book, make_textbook, make_asset
):
    other = make_textbook(users["other_author"], is_mixed_media=True)
    theirs = make_asset(other, title="别的教材的未发布视频", data=mp4_bytes("别人的"))
    leaf = book["leaf"]
    refusal = ["数字资源“别的教材的未发布视频”不属于本教材，只能选择本教材的数字资源。"]
    with pytest.raises(ValidationError) as refused:
        draft(leaf, users["author"], [media_block(theirs)])
    assert asset_errors(refused.value.error_dict["body"][0]) == refusal

    client.force_login(users["author"])
    edited = client.post(
        reverse("wagtailadmin_pages:edit", args=[leaf.pk]), leaf_form(leaf, asset_id=theirs.pk)
    )
    added = client.post(
        reverse("wagtailadmin_pages:add", args=["textbooks", "unitpage", book["textbook"].page.pk]),
        leaf_form(None, asset_id=theirs.pk),
    )
    for response in (edited, added):
        assert response.status_code == 200
        assert asset_errors(response.context["form"].errors.as_data()["body"][0]) == refusal
    assert not UnitPage.objects.filter(slug="unit-new").exists()


def test_problem_4_another_textbooks_asset_is_neither_submitted_nor_shown(
    client, users, book, make_textbook, make_asset
):
    textbook, leaf = book["textbook"], book["leaf"]
    other = make_textbook(users["other_author"], is_mixed_media=True)
    theirs = make_asset(other, title="别的教材的未发布视频", data=mp4_bytes("别人的"))
    legacy = draft(leaf, users["author"], [media_block(theirs)], clean=False)
    case = services.open_case(textbook, user=users["author"], kind=CaseKind.MINOR)
    with pytest.raises(WorkflowError, match="“别的教材的未发布视频”不属于本教材"):
        submit(case, users["author"])

    # An edition published before the check: the page does not show what it never pinned.
    EditionLeaf.objects.filter(edition=book["edition"]).update(revision=legacy)
    page = client.get(leaf.url).content.decode()
    assert "别的教材的未发布视频" not in page and "资源不可用" in page
    api = client.get(f"/api/v1/textbooks/{textbook.slug}/editions/1.0/leaves/unit-1/").json()
    assert api["body"][0]["value"]["asset"] is None


# ---- helpers ----


def submit(case, author):
    return services.submit(
        case,
        user=author,
        change_summary="更新视频",
        change_categories=["new_process"],
        **documents(),
    )


def asset_errors(stream_error, index=0):
    """The messages the page editor shows on the resource chooser of block ``index``."""
    block = stream_error.as_json_data()["blockErrors"][index]
    return block["blockErrors"]["asset"]["messages"]


def leaf_form(leaf, *, asset_id):
    """The page editor's form for a leaf (or a new one) with one media block."""
    return nested_form_data(
        {
            "title": leaf.title if leaf else "新单元",
            "slug": leaf.slug if leaf else "unit-new",
            "number": "",
            "summary": "",
            "body": streamfield(
                [
                    (
                        "media_resource",
                        {
                            "kind": "video",
                            "asset": asset_id,
                            "caption": "",
                            "show_qr_in_print": "on",
                        },
                    )
                ]
            ),
            "comments": inline_formset([]),
        }
    )
