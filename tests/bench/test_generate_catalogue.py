"""The benchmark catalogue (manage.py generate_catalogue) as users would find it: searchable,
its textbook and leaf pages served from their current editions, lifecycle states spread as
cms/generate.py documents them, and a second run reusing it instead of doubling it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Page

from cms.generate import SLUG_PREFIX, generate_catalogue
from cms.search import service
from textbooks.models import Textbook, UnitPage
from workflow.models import Edition, SelectionLine, TextbookLifecycle

TEXTBOOKS, LEAVES = 200, 3

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_elasticsearch")]


@pytest.fixture
def no_elasticsearch():
    with override_settings(ELASTICSEARCH_URL=""):
        yield


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Generated once for the module, in a transaction rolled back at its end (as the demo
    catalogue fixture does); each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), override_settings(ELASTICSEARCH_URL=""), transaction.atomic():
        yield generate_catalogue(TEXTBOOKS, LEAVES, seed=7, progress=False)
        transaction.set_rollback(True)


def test_generated_textbooks_are_found_by_search(catalogue):
    textbook = Textbook.objects.get(slug=f"{SLUG_PREFIX}0")
    results = service.search(textbook.title)
    assert textbook.slug in [hit.slug for hit in results.hits]
    assert service.search("").total == TEXTBOOKS
    leaf_title = UnitPage.objects.child_of(textbook.page).first().title
    assert service.search(leaf_title).total > 0


def test_textbook_page_lists_its_leaves_and_each_leaf_is_served(client, catalogue):
    textbook = Textbook.objects.get(slug=f"{SLUG_PREFIX}3")
    leaves = list(UnitPage.objects.child_of(textbook.page).order_by("path"))
    assert len(leaves) == LEAVES

    response = client.get(f"/textbooks/{textbook.slug}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert textbook.title in html
    for leaf in leaves:
        assert leaf.title in html
        page = client.get(f"/textbooks/{textbook.slug}/{leaf.slug}/")
        assert page.status_code == 200
        assert leaf.title in page.content.decode()
    assert all(not problems for problems in Page.find_problems())


def test_states_and_editions_spread_as_documented(catalogue):
    states = dict(catalogue.states)
    assert sum(states.values()) == TEXTBOOKS
    # In use about 80 %; due, overdue, suspended and retired each present.
    assert states["in_use"] > 0.6 * TEXTBOOKS
    for state in ("revision_due", "revision_overdue", "suspended", "retired"):
        assert states.get(state, 0) > 0, state
    assert Edition.objects.filter(is_current=True).count() == TEXTBOOKS
    superseded = Edition.objects.filter(is_current=False)
    assert superseded.exists() and not superseded.filter(successor=None).exists()
    assert SelectionLine.objects.exists()


def test_rerun_reuses_the_catalogue_and_refuses_another_size(catalogue):
    out = io.StringIO()
    counted = (Textbook, Page, TextbookLifecycle, Edition)
    before = [model.objects.count() for model in counted]

    args = ["--textbooks", str(TEXTBOOKS), "--leaves", str(LEAVES), "--seed", "7"]
    call_command("generate_catalogue", *args, stdout=out, stderr=io.StringIO())

    assert "reused" in out.getvalue()
    assert [model.objects.count() for model in counted] == before
    with pytest.raises(CommandError, match="use another database"):
        call_command("generate_catalogue", "--textbooks", "20", stdout=out)
    assert [model.objects.count() for model in counted] == before
