"""Browsing filtered on few-valued facets counts from the cells (CatalogueCell) the writer
keeps; every total, facet count and hit must be what counting the entries gives, after index
writes, removals, the daily sweep's status moves and the passing of days. Runs on SQLite and
on PostgreSQL."""

import dataclasses
import datetime
from itertools import combinations

import pytest
from django.utils import timezone

from cms.search import service
from cms.search.backends import database
from cms.search.backends.database import DatabaseBackend
from cms.search.documents import build_document
from cms.search.facets import RECENTLY_UPDATED, TRUE
from cms.search.models import CELL_FACETS, CatalogueCube, CatalogueEntry
from workflow.models import TextbookLifecycle
from workflow.services.lifecycle import sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue", "database_only")]


def seen(results):
    """What a teacher sees of a result page: total, hits, every facet's options."""
    facets = {
        f.key: sorted((o.value, o.label, o.count, o.selected) for o in f.options)
        for f in results.facets
    }
    return results.total, [hit.slug for hit in results.hits], facets


def filter_sets(pairs=None):
    """Every value of the cell facets, recency and status alone, every pair of them from two
    facets (of ``pairs``: these facets only), and two values of one facet together."""
    options = [
        (f.key, o.value)
        for f in service.search("").facets
        if f.key in (*CELL_FACETS, RECENTLY_UPDATED, "status")
        for o in f.options
    ]
    sets = [{key: [value]} for key, value in options]
    paired = [(key, value) for key, value in options if pairs is None or key in pairs]
    sets += [{a: [x], b: [y]} for (a, x), (b, y) in combinations(paired, 2) if a != b]
    by_key = {}
    for key, value in options:
        by_key.setdefault(key, []).append(value)
    sets += [{key: values[:2]} for key, values in by_key.items() if len(values) > 1]
    sets.append({"tier": ["national"], "form": ["no-such-form"]})
    return sets


@pytest.fixture
def compare(monkeypatch):
    """Asserts that every filter set gives from the cells what counting the entries gives,
    and that the cells were read."""
    cells = DatabaseBackend._cells
    used = []

    def spy(self, *args):
        rows = cells(self, *args)
        used.append(rows is not None)
        return rows

    def check(pairs=("tier", "form", RECENTLY_UPDATED, "status")):
        for filters in filter_sets(pairs):
            used.clear()
            monkeypatch.setattr(DatabaseBackend, "_cells", spy)
            from_cells = seen(service.search("", filters, per_page=50))
            assert used == [True], filters
            monkeypatch.setattr(DatabaseBackend, "_cells", lambda self, *args: None)
            assert from_cells == seen(service.search("", filters, per_page=50)), filters
        monkeypatch.setattr(DatabaseBackend, "_cells", cells)

    return check


def test_every_filter_combination_counts_as_the_entries_do(compare):
    assert len(filter_sets()) > 50
    compare(pairs=None)


def test_counts_stay_exact_after_index_writes_and_removals(compare, demo_catalogue):
    backend = DatabaseBackend()
    document = build_document(demo_catalogue["basic-nursing"])
    other_tier = "school" if document.tier != "school" else "national"
    backend.index(
        dataclasses.replace(
            document,
            tier=other_tier,
            co_developed=True,
            facets={
                **document.facets,
                "tier": [(other_tier, other_tier)],
                "co_developed": [(TRUE, "校企双元合作开发")],
            },
            updated_at=timezone.now() - datetime.timedelta(days=800),
        )
    )
    backend.remove(demo_catalogue["cnc-programming"])
    assert service.search("").total == 12
    compare()


def test_counts_stay_exact_after_the_daily_sweep_moves_statuses(
    compare, django_capture_on_commit_callbacks
):
    day = timezone.localdate()
    TextbookLifecycle.objects.filter(textbook__slug="basic-nursing").update(
        next_due_on=day - datetime.timedelta(days=400)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep(day)
    assert CatalogueEntry.objects.get(textbook__slug="basic-nursing").status == "suspended"
    compare()


def test_counts_stay_exact_as_days_pass_and_after_the_daily_refresh(compare, monkeypatch):
    """The cells are recent from the cube's day; until the daily ``catalog_index terms``
    moves it, the entries between it and the cutoff are counted from the entries."""
    real = database.recently_updated_cutoff
    # Far enough that recently updated demo textbooks fall out of the window.
    later = max(CatalogueEntry.objects.values_list("updated_at", flat=True))
    shift = (timezone.localdate(later) - timezone.localdate(real())).days + 1
    monkeypatch.setattr(
        database,
        "recently_updated_cutoff",
        lambda today=None: real(today) + datetime.timedelta(days=shift),
    )
    anchor = CatalogueCube.objects.get().recent_since
    compare()
    DatabaseBackend().refresh_terms()
    assert CatalogueCube.objects.get().recent_since == anchor + datetime.timedelta(days=shift)
    compare()
