"""The demo catalogue, loaded and indexed once per module (3 s), rolled back afterwards."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cms.search import service
from textbooks.models import Textbook


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker):
    """{slug: textbook id} of the demo catalogue, indexed by the database backend.

    Loaded inside one transaction that is rolled back when the module is done; each test runs
    in a savepoint inside it (pytest-django's ``db``), as Django's setUpTestData does.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(ELASTICSEARCH_URL=""),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=io.StringIO())
        service.rebuild()
        yield dict(Textbook.objects.values_list("slug", "pk"))
        transaction.set_rollback(True)


@pytest.fixture
def published_textbook(make_textbook, users, django_capture_on_commit_callbacks):
    """published_textbook(title, leaf_text) -> a school-tier textbook with one leaf, published
    as edition 1.0 through the review workflow, and indexed."""
    from tests.workflow.conftest import add_leaf, published_edition

    def publish(title, leaf_text="", **fields):
        textbook = make_textbook(users["author"], title=title, tier="school", **fields)
        add_leaf(textbook, "unit-1", leaf_text or title, users["author"])
        with django_capture_on_commit_callbacks(execute=True):
            published_edition(textbook, users["author"], users["reviewer"], users["national"])
        return textbook

    return publish


@pytest.fixture
def database_only(settings):
    """Search and index through the database backend even when ELASTICSEARCH_URL is set."""
    settings.ELASTICSEARCH_URL = ""


def slugs(results):
    return [hit.slug for hit in results.hits]
