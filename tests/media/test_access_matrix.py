"""Role by action over every media view: who may do what, and what the others get."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from media.models import ShortLink
from tests.media.conftest import media_block
from tests.workflow.conftest import due, published_edition, submitted_case
from workflow import services
from workflow.models import CaseKind

ROLES = [
    "anonymous",
    "author",
    "other_author",
    "reviewer",
    "assigned_reviewer",
    "committee",
    "province",
    "national",
    "superuser",
]


@pytest.fixture
def scene(users, make_user, make_textbook, make_asset, add_leaf):
    from textbooks import roles

    textbook = make_textbook(users["author"], tier="school", province="JS", is_mixed_media=True)
    published = make_asset(textbook, title="已发布")
    draft_only = make_asset(textbook, title="仅草稿", data=b"\x00\x00\x00\x18ftypisom" + b"\0" * 40)
    add_leaf(textbook, "u1", blocks=[media_block(published)])
    published_edition(textbook, users["author"], users["reviewer"], users["national"])
    add_leaf(textbook, "u2", blocks=[media_block(draft_only)])
    users["assigned_reviewer"] = make_user("assigned", roles.REVIEWER)
    case = submitted_case(textbook, users["author"], CaseKind.MINOR)
    services.assign_reviewer(
        case,
        user=users["national"],
        reviewer=users["assigned_reviewer"],
        track_kind="subject",
        due_date=due(),
    )
    users["superuser"] = get_user_model().objects.create_superuser("root", password="pw")
    unused = make_asset(textbook, title="未使用", data=b"\x00\x00\x00\x18ftypisom" + b"\2" * 40)
    return {
        "textbook": textbook,
        "published": published,
        "draft_only": draft_only,
        "unused": unused,
    }


def outcome(response):
    if response.status_code in (200, 302) and "/login/" in response.get("Location", ""):
        return "login"
    if response.status_code == 200 or (
        response.status_code == 302 and "/admin/" not in response["Location"]
    ):
        return "ok"
    return "denied"  # 403, or the admin's redirect home with "no permission"


def as_role(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


OK, LOGIN, DENIED = "ok", "login", "denied"
EXPECTED = {
    # action: outcome per role, in ROLES order
    "read published asset": [OK] * 9,
    "read draft asset": [LOGIN, OK, DENIED, DENIED, OK, DENIED, OK, OK, OK],
    "short link to asset": [OK] * 9,
    "qr image": [OK] * 9,
    "qr sheet": [LOGIN, OK, DENIED, DENIED, DENIED, DENIED, OK, OK, OK],
    "admin: list assets": [LOGIN, OK, OK, DENIED, DENIED, DENIED, OK, OK, OK],
    "admin: add asset form": [LOGIN, OK, OK, DENIED, DENIED, DENIED, OK, OK, OK],
    "admin: edit asset form": [LOGIN, OK, DENIED, DENIED, DENIED, DENIED, OK, OK, OK],
    "admin: delete asset form": [LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, OK, OK],
}


def url_for(action, scene):
    published, draft = scene["published"], scene["draft_only"]
    return {
        "read published asset": reverse("media:asset", args=[published.pk]),
        "read draft asset": reverse("media:asset", args=[draft.pk]),
        "short link to asset": f"/r/{ShortLink.for_asset(published).code}/",
        "qr image": f"/r/{ShortLink.for_asset(draft).code}/qr.svg",
        "qr sheet": reverse("media:qr_sheet", args=[scene["textbook"].pk]),
        "admin: list assets": reverse("wagtailsnippets_media_mediaasset:list"),
        "admin: add asset form": reverse("wagtailsnippets_media_mediaasset:add"),
        "admin: edit asset form": reverse("wagtailsnippets_media_mediaasset:edit", args=[draft.pk]),
        # (an asset that a case or an edition keeps is not offered for deletion at all)
        "admin: delete asset form": reverse(
            "wagtailsnippets_media_mediaasset:delete", args=[scene["unused"].pk]
        ),
    }[action]


@pytest.mark.parametrize("action", list(EXPECTED))
def test_role_by_action(client, users, scene, action):
    url = url_for(action, scene)
    got = []
    for role in ROLES:
        client.logout()
        got.append(outcome(as_role(client, users, role).get(url)))
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, EXPECTED[action], strict=True))


def test_author_list_shows_only_own_textbooks_assets(
    client, users, scene, make_textbook, make_asset
):
    other = make_textbook(users["other_author"], is_mixed_media=True)
    theirs = make_asset(other, title="别人的资源", data=b"\x00\x00\x00\x18ftypisom" + b"\1" * 40)
    client.force_login(users["author"])
    page = client.get(reverse("wagtailsnippets_media_mediaasset:list")).content.decode()
    assert "已发布" in page and theirs.title not in page


def test_a_provincial_administrator_manages_the_assets_of_his_province_only(
    client, users, scene, make_textbook, make_asset
):
    guangdong = make_textbook(users["other_author"], province="GD", is_mixed_media=True)
    theirs = make_asset(
        guangdong, title="广东的资源", data=b"\x00\x00\x00\x18ftypisom" + b"\2" * 40
    )
    client.force_login(users["province"])
    page = client.get(reverse("wagtailsnippets_media_mediaasset:list")).content.decode()
    assert "仅草稿" in page and theirs.title not in page
    edit = reverse("wagtailsnippets_media_mediaasset:edit", args=[theirs.pk])
    assert outcome(client.get(edit)) == DENIED
    client.force_login(users["national"])
    assert (
        theirs.title
        in client.get(reverse("wagtailsnippets_media_mediaasset:list")).content.decode()
    )
