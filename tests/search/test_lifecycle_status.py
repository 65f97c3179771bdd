"""The status teachers see comes from the textbook's lifecycle, kept current in the index by
single transitions (retire, suspend …) and by the daily sweep's set-based moves."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.search import service
from cms.search.models import CatalogueEntry
from tests.search.conftest import slugs
from textbooks.models import Textbook
from workflow.models import TextbookLifecycle
from workflow.services.lifecycle import sweep

pytestmark = pytest.mark.usefixtures("demo_catalogue", "database_only")

# The title of cnc-programming, and the course of both it and cnc-lathe-secondary.
QUERY = "数控机床编程与操作"


def transition(slug, name, successor=None):
    """Move a textbook's lifecycle as a service does: locked, in a transaction."""
    with transaction.atomic():
        lifecycle = TextbookLifecycle.objects.select_for_update().get(textbook__slug=slug)
        getattr(lifecycle, name)(reason="测试")
        if successor:
            lifecycle.successor = Textbook.objects.get(slug=successor)
        lifecycle.save()


def facet(results, key):
    return {o.value: o.count for o in next(f for f in results.facets if f.key == key).options}


def test_demo_textbooks_are_in_use(db):
    assert facet(service.search(""), "status") == {"in_use": 13}
    assert slugs(service.search(QUERY)) == ["cnc-programming", "cnc-lathe-secondary"]


def test_a_retired_textbook_does_not_come_first_for_a_query_its_successor_also_matches(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition("cnc-programming", "retire", successor="cnc-lathe-secondary")
    results = service.search(QUERY)
    assert slugs(results) == ["cnc-lathe-secondary", "cnc-programming"]
    assert [h.status for h in results.hits] == ["in_use", "retired"]
    assert results.hits[1].labels["status"] == ["已退出"]
    assert facet(service.search(""), "status") == {"in_use": 12, "retired": 1}


def test_suspended_comes_after_in_use_and_before_retired(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        transition("cnc-lathe-secondary", "retire")
        transition("cnc-programming", "suspend")
    assert slugs(service.search("数控")) == [
        "cnc-process",
        "cnc-programming",
        "cnc-lathe-secondary",
    ]
    only_suspended = service.search("数控", {"status": ["suspended"]})
    assert slugs(only_suspended) == ["cnc-programming"]
    # The status facet counts under the other filters but not its own selection.
    assert facet(only_suspended, "status") == {"in_use": 1, "suspended": 1, "retired": 1}


def test_restoring_a_suspended_textbook_puts_it_back_in_use(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        transition("cnc-programming", "suspend")
        transition("cnc-programming", "restore")
    assert slugs(service.search(QUERY))[0] == "cnc-programming"
    assert facet(service.search(""), "status") == {"in_use": 13}


def test_the_sweep_updates_every_moved_textbooks_status_in_one_statement(
    db, django_capture_on_commit_callbacks
):
    # Put the demo's due dates in three windows of one sweep day.
    day = timezone.localdate()
    due = {
        "cnc-programming": day + datetime.timedelta(days=10),  # notice: 待修订, still in use
        "ev-battery": day - datetime.timedelta(days=5),  # overdue: 逾期未修订, still in use
        "basic-nursing": day - datetime.timedelta(days=400),  # past the grace period
    }
    for slug, next_due in due.items():
        TextbookLifecycle.objects.filter(textbook__slug=slug).update(next_due_on=next_due)
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            result = sweep(day)
    assert sum(result.moved.values()) == 3
    updates = [q for q in queries if q["sql"].startswith('UPDATE "cms_catalogueentry"')]
    assert len(updates) == 1

    entries = {
        e.textbook.slug: (e.status, e.status_note)
        for e in CatalogueEntry.objects.filter(textbook__slug__in=due).select_related("textbook")
    }
    assert entries == {
        "cnc-programming": ("in_use", "待修订"),
        "ev-battery": ("in_use", "逾期未修订"),
        "basic-nursing": ("suspended", ""),
    }
    results = service.search("")
    assert facet(results, "status") == {"in_use": 12, "suspended": 1}
    assert slugs(results)[-1] == "basic-nursing"
    hit = next(h for h in service.search("G71").hits if h.slug == "cnc-programming")
    assert hit.status == "in_use" and hit.status_note == "待修订"


def test_a_rebuild_reads_the_status_from_the_lifecycle(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        transition("basic-nursing", "retire")
    service.rebuild()
    assert facet(service.search(""), "status") == {"in_use": 12, "retired": 1}
