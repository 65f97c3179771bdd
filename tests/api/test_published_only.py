"""No draft, unpublished revision or pending change set is reachable through the API.

Every piece of unpublished content below carries the marker 草稿XYZ; every endpoint is asked
for it, by every path a client could guess.
"""

import pytest

from tests.workflow.conftest import add_leaf, rich, submitted_case
from textbooks.models import Textbook, UnitPage
from workflow.models import CaseKind, CaseState

pytestmark = pytest.mark.django_db

MARKER = "草稿XYZ"
CNC = "/api/v1/textbooks/cnc-programming/"


@pytest.fixture
def unpublished(demo_catalogue, make_textbook):
    textbook = Textbook.objects.get(slug="cnc-programming")
    chief = textbook.editor_in_chief
    # An unpublished revision of the textbook page and of a published leaf (renamed, too).
    page = textbook.page.get_latest_revision_as_object()
    page.overview = f"<p>{MARKER} 简介</p>"
    page.save_revision(user=chief)
    leaf = UnitPage.objects.child_of(textbook.page).get(slug="unit-1-safety")
    draft = leaf.get_latest_revision_as_object()
    draft.title = f"{MARKER} 标题"
    draft.body = rich(f"{MARKER} 正文")
    draft.save_revision(user=chief)
    renamed = UnitPage.objects.child_of(textbook.page).get(slug="unit-3-threads")
    draft = renamed.get_latest_revision_as_object()
    draft.slug = "renamed-draft"
    draft.body = rich(f"{MARKER} 改名")
    draft.save_revision(user=chief)
    # A leaf that was never published.
    add_leaf(textbook, "draft-unit", f"{MARKER} 新活页", chief)
    # All of it pinned by a pending minor revision.
    case = submitted_case(textbook, chief, kind=CaseKind.MINOR)
    assert case.state == CaseState.SUBMITTED
    assert case.pinned_revisions.count() == 3
    # A textbook that has never been published, its first review pending.
    other = make_textbook(chief, tier="school", slug="never-published", title=f"{MARKER} 教材")
    add_leaf(other, "unit-1", f"{MARKER} 首版", chief)
    submitted_case(other, chief)
    return case


def test_a_textbook_without_a_current_edition_is_absent(unpublished, api):
    listed = api("/api/v1/textbooks/", page_size=100)
    assert "never-published" not in [t["slug"] for t in listed["results"]]
    for path in (
        "/api/v1/textbooks/never-published/",
        "/api/v1/textbooks/never-published/editions/1.0/",
        "/api/v1/textbooks/never-published/editions/1.0/leaves/unit-1/",
    ):
        assert api(path, status=404)["error"]["message"] == "没有已发布的教材“never-published”。"
    assert api("/api/v1/textbooks/", tier="school", page_size=100)["count"] == (
        Textbook.objects.filter(tier="school", editions__is_current=True).count()
    )


def test_the_pending_revision_is_not_an_edition(unpublished, api):
    assert [e["version"] for e in api(CNC)["editions"]] == ["1.1", "1.0"]
    api(CNC + "editions/1.2/", status=404)
    api(CNC + "editions/1.2/leaves/draft-unit/", status=404)


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_draft_leaves_and_renamed_slugs_are_not_in_any_edition(unpublished, api, version):
    manifest = api(f"{CNC}editions/{version}/")
    slugs = [leaf["slug"] for leaf in manifest["leaves"]]
    assert "draft-unit" not in slugs and "renamed-draft" not in slugs
    assert "unit-3-threads" in slugs
    api(f"{CNC}editions/{version}/leaves/draft-unit/", status=404)
    api(f"{CNC}editions/{version}/leaves/renamed-draft/", status=404)
    safety = api(f"{CNC}editions/{version}/leaves/unit-1-safety/")
    assert MARKER not in safety["title"]


def test_no_endpoint_returns_unpublished_content(unpublished, client):
    paths = ["/api/v1/", "/api/v1/textbooks/?page_size=100", CNC]
    for version in ("1.0", "1.1", "1.2"):
        paths.append(f"{CNC}editions/{version}/")
        for slug in ("unit-1-safety", "unit-3-threads", "renamed-draft", "draft-unit"):
            paths.append(f"{CNC}editions/{version}/leaves/{slug}/")
    paths += [
        "/api/v1/textbooks/never-published/",
        "/api/v1/textbooks/never-published/editions/1.0/leaves/unit-1/",
    ]
    for pin in unpublished.pinned_revisions.select_related("revision"):
        # Paths built from what the pending case pins: its revisions' own slugs.
        paths.append(f"{CNC}editions/1.1/leaves/{pin.revision.content['slug']}/")
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert MARKER not in response.content.decode(), path
