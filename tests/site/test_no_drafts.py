"""Nothing a teacher can reach shows a draft, an unpublished revision or a pending change set.

Each test tries one way in: the URL itself, the textbook page, the catalogue index, search.
"""

import pytest
from django.utils import timezone

from tests.workflow.conftest import submitted_case
from textbooks.models import UnitPage
from textbooks.publication import reviewed_publication
from workflow.models import CaseKind

from .conftest import add_leaf, edit_leaf

DRAFT = "草稿里的秘密内容"


def reachable(client, *urls):
    """Every page a teacher can open for the textbook, concatenated."""
    pages = [client.get(url) for url in urls]
    return "".join(p.content.decode() for p in pages if p.status_code == 200)


def public_pages(client, textbook):
    """Home, catalogue, textbook page and the unfiltered search results (searches for the
    draft's words are tested apart: the results page repeats the query)."""
    return reachable(
        client,
        "/",
        "/textbooks/",
        f"/textbooks/{textbook.slug}/",
        "/search/",
    )


def test_a_draft_leaf_of_a_published_textbook_is_not_reachable(client, users, cnc):
    leaf = add_leaf(cnc["textbook"], "unit-draft", DRAFT, users["author"])
    leaf.save_revision(user=users["author"])
    assert client.get("/textbooks/cnc-milling/unit-draft/").status_code == 404
    assert client.get("/textbooks/cnc-milling/editions/1.1/unit-draft/").status_code == 404
    html = public_pages(client, cnc["textbook"])
    assert DRAFT not in html and "unit-draft" not in html


def test_a_leaf_saved_after_publication_shows_the_published_text(client, users, cnc):
    edit_leaf(cnc["leaves"][0], DRAFT, users["author"])
    assert UnitPage.objects.get(pk=cnc["leaves"][0].pk).has_unpublished_changes
    page = client.get("/textbooks/cnc-milling/unit-1/").content.decode()
    assert "第一版：对刀与坐标系" in page and DRAFT not in page
    assert DRAFT not in public_pages(client, cnc["textbook"])


def test_a_leaf_published_outside_review_still_shows_the_pinned_revision(client, users, cnc):
    """The edition manifest is the truth: live content nobody reviewed is not served."""
    revision = edit_leaf(cnc["leaves"][0], DRAFT, users["author"])
    with reviewed_publication():  # live from before only the workflow could publish
        revision.publish(user=users["national"], skip_permission_checks=True)
    assert DRAFT in str(UnitPage.objects.get(pk=cnc["leaves"][0].pk).body.raw_data)
    page = client.get("/textbooks/cnc-milling/unit-1/").content.decode()
    assert "第一版：对刀与坐标系" in page and DRAFT not in page


def test_a_live_leaf_outside_the_current_edition_is_not_found(client, users, cnc):
    leaf = add_leaf(cnc["textbook"], "unit-unreviewed", DRAFT, users["author"])
    with reviewed_publication():  # live from before only the workflow could publish
        leaf.get_latest_revision().publish(user=users["national"], skip_permission_checks=True)
    assert UnitPage.objects.get(pk=leaf.pk).live
    assert client.get("/textbooks/cnc-milling/unit-unreviewed/").status_code == 404
    assert "unit-unreviewed" not in client.get("/textbooks/cnc-milling/").content.decode()


def test_a_textbook_whose_first_review_is_pending_is_not_reachable(client, users, make_textbook):
    textbook = make_textbook(users["author"], tier="school", title="待审核的新教材")
    add_leaf(textbook, "unit-1", DRAFT, users["author"])
    submitted_case(textbook, users["author"])
    assert client.get(f"/textbooks/{textbook.slug}/").status_code == 404
    assert client.get(f"/textbooks/{textbook.slug}/unit-1/").status_code == 404
    assert client.get(f"/textbooks/{textbook.slug}/editions/1.0/").status_code == 404
    html = public_pages(client, textbook)
    assert textbook.title not in html and DRAFT not in html
    assert "共 0 种教材" in client.get("/search/", {"q": "待审核"}).content.decode()


def test_a_pending_revision_of_a_published_textbook_changes_nothing_public(client, users, cnc):
    """A submitted minor revision: one leaf edited, one added; none of it shows until published."""
    edit_leaf(cnc["leaves"][1], DRAFT, users["author"])
    add_leaf(cnc["textbook"], "unit-3", DRAFT, users["author"])
    case = submitted_case(cnc["textbook"], users["author"], CaseKind.MINOR)
    assert case.submitted_at <= timezone.now()
    leaf = client.get("/textbooks/cnc-milling/unit-2/").content.decode()
    assert "第二版：轮廓铣削与刀具半径补偿" in leaf and DRAFT not in leaf
    assert client.get("/textbooks/cnc-milling/unit-3/").status_code == 404
    assert client.get("/textbooks/cnc-milling/editions/1.2/").status_code == 404
    assert client.get("/textbooks/cnc-milling/editions/1.1/compare/1.2/").status_code == 404
    html = public_pages(client, cnc["textbook"])
    assert DRAFT not in html and "unit-3" not in html
    assert "第 1.2 版" not in html


@pytest.mark.parametrize("query", [DRAFT, "秘密"])
def test_search_never_finds_draft_words(client, users, cnc, query):
    edit_leaf(cnc["leaves"][0], DRAFT, users["author"])
    add_leaf(cnc["textbook"], "unit-draft", DRAFT, users["author"])
    html = client.get("/search/", {"q": query}).content.decode()
    # The honest no-results page: nothing found for the words, and no draft text anywhere.
    assert "共 0 种教材" in html and f"没有找到与“{query}”相符的教材。" in html
    assert "unit-draft" not in html
