"""Issue 12, problem 5: only the review workflow publishes, and readers see the edition.

A superuser tries every way Wagtail offers to publish or unpublish a textbook page or a leaf
of a published textbook (page editor, revert, bulk actions, copy, scheduled go-live, the
admin API, code); each is refused and readers keep seeing what the current edition pins, on
the textbook page and in search.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cms.search import service
from textbooks.models import TextbookPage, UnitPage

from .conftest import add_leaf

REVIEWED = "经审核的内容简介：数控铣削的加工工艺"
UNREVIEWED = "未经审核的简介：秘密改写"
REFUSED = "只能经审核发布"


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


@pytest.fixture
def book(users, make_textbook, publish):
    """A textbook whose edition 1.0 pins the overview REVIEWED and one leaf, indexed."""
    textbook = make_textbook(users["author"], tier="school", title="数控铣削", slug="milling")
    page = TextbookPage.objects.get(pk=textbook.page.pk)
    page.overview = f"<p>{REVIEWED}</p>"
    page.save_revision(user=users["author"])
    leaf = add_leaf(textbook, "unit-1", "对刀与坐标系", users["author"])
    edition = publish(textbook)
    return {"textbook": textbook, "leaf": leaf, "edition": edition}


def textbook_form(title, overview, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": "milling",
            "preface": rich_text(""),
            "overview": rich_text(f"<p>{overview}</p>"),
            "comments": inline_formset([]),
            **extra,
        }
    )


def readers_see_the_reviewed_overview(client):
    client.logout()
    html = client.get("/textbooks/milling/").content.decode()
    assert REVIEWED in html and UNREVIEWED not in html
    assert service.search("秘密改写").total == 0
    assert [hit.slug for hit in service.search("加工工艺").hits] == ["milling"]


def state(page):
    """What a change to the page's publication would move."""
    page = Page.objects.get(pk=page.pk)
    return page.live, page.live_revision_id, page.latest_revision_id


def test_problem_5_the_page_editor_offers_no_publish_and_refuses_a_posted_one(
    client, root, book, django_capture_on_commit_callbacks
):
    page = book["textbook"].page
    before = state(page)
    client.force_login(root)
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    editor = client.get(edit_url).content.decode()
    assert 'name="action-publish"' not in editor
    assert reverse("wagtailadmin_pages:unpublish", args=[page.pk]) not in editor
    assert 'name="go_live_at"' not in editor  # nothing to schedule

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url, textbook_form("数控铣削", UNREVIEWED, **{"action-publish": "1"}), follow=True
        )
    assert REFUSED in response.content.decode()
    assert state(page) == before  # not published, and not even saved as a draft
    readers_see_the_reviewed_overview(client)


def test_problem_5_revert_and_publish_is_refused(client, root, book, users):
    page = TextbookPage.objects.get(pk=book["textbook"].page.pk)
    page.overview = f"<p>{UNREVIEWED}</p>"
    draft = page.save_revision(user=users["author"])
    before = state(page)
    client.force_login(root)
    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, draft.pk])
    response = client.post(
        revert_url, textbook_form("数控铣削", UNREVIEWED, **{"action-publish": "1"}), follow=True
    )
    assert REFUSED in response.content.decode()
    assert state(page) == before
    readers_see_the_reviewed_overview(client)


def test_problem_5_unpublishing_a_leaf_in_the_page_editor_is_refused(client, root, book):
    leaf = book["leaf"]
    client.force_login(root)
    unpublish_url = reverse("wagtailadmin_pages:unpublish", args=[leaf.pk])
    assert client.get(unpublish_url).status_code in (302, 403)
    assert client.post(unpublish_url).status_code in (302, 403)
    assert UnitPage.objects.get(pk=leaf.pk).live

    client.logout()
    assert client.get("/textbooks/milling/unit-1/").status_code == 200
    assert 'href="/textbooks/milling/unit-1/"' in client.get("/textbooks/milling/").content.decode()


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_problem_5_bulk_publishing_and_unpublishing_are_refused(
    client, root, book, users, action, django_capture_on_commit_callbacks
):
    page = TextbookPage.objects.get(pk=book["textbook"].page.pk)
    page.overview = f"<p>{UNREVIEWED}</p>"
    page.save_revision(user=users["author"])
    pages = [page, book["leaf"]]
    before = [state(p) for p in pages]
    client.force_login(root)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    query = "&".join(f"id={p.pk}" for p in pages)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}?{query}&next=/admin/", {}, follow=True)
    assert REFUSED in response.content.decode()
    assert [state(p) for p in pages] == before
    readers_see_the_reviewed_overview(client)
    assert client.get("/textbooks/milling/unit-1/").status_code == 200


def test_problem_5_copying_a_textbook_page_or_a_leaf_is_refused(client, root, book):
    client.force_login(root)
    count = Page.objects.count()
    for page in (book["textbook"].page, book["leaf"]):
        copy_url = reverse("wagtailadmin_pages:copy", args=[page.pk])
        assert client.get(copy_url).status_code in (302, 403)
        response = client.post(
            copy_url,
            {
                "new_title": "副本",
                "new_slug": "copy",
                "new_parent_page": page.get_parent().pk,
                "copy_subpages": "on",
                "publish_copies": "on",
            },
        )
        assert response.status_code in (302, 403)
    assert Page.objects.count() == count


def test_problem_5_nothing_is_scheduled_and_publish_scheduled_publishes_nothing(
    client, root, book, users
):
    page = book["textbook"].page
    before = state(page)
    client.force_login(root)
    tomorrow = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        textbook_form("数控铣削", UNREVIEWED, go_live_at=tomorrow, **{"action-publish": "1"}),
    )
    # A go-live date carried by a revision (saved by code) is not a schedule either.
    leaf = UnitPage.objects.get(pk=book["leaf"].pk)
    leaf.go_live_at = timezone.now() + datetime.timedelta(days=1)
    leaf.save_revision(user=users["author"])
    assert leaf.get_latest_revision().as_object().go_live_at is None

    # Whatever was scheduled comes due.
    Revision.objects.filter(approved_go_live_at__isnull=False).update(
        approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled", verbosity=0)
    assert state(page) == before
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()
    client.logout()
    html = client.get("/textbooks/milling/").content.decode()
    assert REVIEWED in html and UNREVIEWED not in html


def test_problem_5_the_admin_api_refuses_to_publish_or_unpublish(client, root, book, users):
    page = TextbookPage.objects.get(pk=book["textbook"].page.pk)
    page.overview = f"<p>{UNREVIEWED}</p>"
    page.save_revision(user=users["author"])
    pages = [page, book["leaf"]]
    before = [state(p) for p in pages]
    client.force_login(root)
    for p in pages:
        for action in ("publish", "unpublish"):
            response = client.post(f"/admin/api/main/pages/{p.pk}/action/{action}/")
            assert response.status_code == 403, (action, response.content)
    assert [state(p) for p in pages] == before
    readers_see_the_reviewed_overview(client)


def test_problem_5_code_outside_the_workflow_cannot_publish_or_unpublish(book, users):
    from textbooks.publication import PublicationClosed

    page = TextbookPage.objects.get(pk=book["textbook"].page.pk)
    page.overview = f"<p>{UNREVIEWED}</p>"
    revision = page.save_revision(user=users["author"])
    before = state(page)
    with pytest.raises(PublicationClosed):
        revision.publish(user=users["national"], skip_permission_checks=True)
    with pytest.raises(PublicationClosed):
        leaf = UnitPage.objects.get(pk=book["leaf"].pk)
        UnpublishPageAction(leaf).execute(skip_permission_checks=True)
    with pytest.raises(PublicationClosed):  # a plain Page, as publish_scheduled's expiry has it
        Page.objects.filter(pk=book["leaf"].pk).unpublish()
    assert state(page) == before
    assert UnitPage.objects.get(pk=book["leaf"].pk).live


def test_problem_5_the_textbook_page_and_search_read_the_edition_not_the_live_page(client, book):
    """A live page that differs from its edition (published before only the workflow could)
    reaches no reader: the textbook page and the index show the pinned revision."""
    TextbookPage.objects.filter(pk=book["textbook"].page.pk).update(
        title="改过的书名", overview=f"<p>{UNREVIEWED}</p>"
    )
    service.reindex_textbook(book["textbook"].pk)
    html = client.get("/textbooks/milling/").content.decode()
    assert REVIEWED in html and UNREVIEWED not in html
    assert "<h1>数控铣削</h1>" in html and "改过的书名" not in html
    leaf = client.get("/textbooks/milling/unit-1/").content.decode()
    assert "改过的书名" not in leaf
    readers_see_the_reviewed_overview(client)


def test_problem_5_a_textbook_without_an_edition_is_not_public(client, users, make_textbook):
    textbook = make_textbook(users["author"], tier="school", title="没有版次的教材", slug="loose")
    leaf = add_leaf(textbook, "unit-1", "从未审核的单元正文", users["author"])
    for page in (textbook.page, leaf):  # live from before only the workflow published
        Page.objects.filter(pk=page.pk).update(live=True, first_published_at=timezone.now())
    service.reindex_textbook(textbook.pk)
    assert client.get("/textbooks/loose/").status_code == 404
    assert client.get("/textbooks/loose/unit-1/").status_code == 404
    assert service.search("从未审核").total == 0


def test_problem_5_a_leaf_cannot_be_moved_out_of_its_textbook(
    client, root, book, users, make_textbook
):
    other = make_textbook(users["author"], tier="school", title="另一本教材", slug="other")
    leaf = book["leaf"]
    client.force_login(root)
    confirm = reverse("wagtailadmin_pages:move_confirm", args=[leaf.pk, other.page.pk])
    assert client.post(confirm).status_code in (302, 403)
    assert UnitPage.objects.get(pk=leaf.pk).get_parent().pk == book["textbook"].page.pk
    client.logout()
    assert client.get("/textbooks/milling/unit-1/").status_code == 200
