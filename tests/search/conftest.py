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
def database_only(settings):
    """Search and index through the database backend even when ELASTICSEARCH_URL is set."""
    settings.ELASTICSEARCH_URL = ""


def slugs(results):
    return [hit.slug for hit in results.hits]
