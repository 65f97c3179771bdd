"""Browsing filtered on few-valued facets counts from the cells (CatalogueCell) the writer
keeps; every total, facet count and hit must be what counting the entries gives, after index
writes, removals, the daily sweep's status moves and the passing of days. Runs on SQLite and
on PostgreSQL."""

import dataclasses
import datetime
from itertools import combinations

import pytest
from django.db import connection
from django.utils import timezone

from cms.search import service
from cms.search.backends import database
from cms.search.backends.database import DatabaseBackend
from cms.search.documents import build_document
from cms.search.facets import RECENTLY_UPDATED, TRUE
from cms.search.models import (
    CELL_FACETS,
    CatalogueCube,
    CatalogueEntry,
    CatalogueTerm,
    CatalogueTermGap,
)
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
    and that the cells were read: browsing, or searching ``query`` (a word keeping its
    gaps)."""
    cells = DatabaseBackend._cells
    used = []

    def spy(self, *args):
        rows = cells(self, *args)
        used.append(rows is not None)
        return rows

    def check(pairs=("tier", "form", RECENTLY_UPDATED, "status"), query="", unfiltered=False):
        # Without filters, browsing and one word read kept counts before the cells.
        for filters in [{}] * unfiltered + filter_sets(pairs):
            used.clear()
            monkeypatch.setattr(DatabaseBackend, "_cells", spy)
            from_cells = seen(service.search(query, filters, per_page=50))
            # A query of several words asks first for all of them (none match: not from the
            # cells), then relaxed to any of them (from the cells).
            assert used[-1:] == [True], filters
            monkeypatch.setattr(DatabaseBackend, "_cells", lambda self, *args: None)
            assert from_cells == seen(service.search(query, filters, per_page=50)), filters
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


# A word in most of the catalogue keeps the entries it does not match (CatalogueTermGap,
# PostgreSQL only): browsing it under cell filters counts from the cells less those.
WORD = "技术"  # in more than 60 % of the demo's entries


@pytest.fixture
def gapped(monkeypatch):
    """The demo's broad words chosen again with gaps kept from 60 % of the catalogue on:
    技术 keeps its gaps. Returns a function giving (kept gaps, entries 技术 does not match)."""
    if connection.vendor != "postgresql":
        pytest.skip("kept words and their gaps are PostgreSQL's; runs in its pass of make test")
    monkeypatch.setattr(database, "GAPS_SHARE", 0.6)
    DatabaseBackend().refresh_terms()
    term = CatalogueTerm.objects.get(query=f"'{WORD}'")
    assert term.gaps_kept

    def gaps():
        matched = {hit.textbook_id for hit in service.search(WORD, per_page=100).hits}
        missing = set(
            CatalogueEntry.objects.exclude(textbook_id__in=matched).values_list("pk", flat=True)
        )
        return set(term.gaps.values_list("entry_id", flat=True)), missing

    kept, missing = gaps()
    assert kept == missing and 0 < len(kept) < CatalogueEntry.objects.count() * 0.4
    return gaps


def test_a_broad_word_under_filters_counts_as_its_matches_do(compare, gapped):
    compare(pairs=None, query=WORD)


def test_words_relaxed_to_any_of_them_count_as_their_matches_do(compare, gapped):
    """技术 财税: no textbook has both, so the search relaxes to either; the entries that
    match neither are the gaps of 技术 without 财税."""
    relaxed = service.search(f"{WORD} 财税")
    assert relaxed.relaxed and relaxed.total == service.search(WORD).total + 1
    compare(pairs=None, query=f"{WORD} 财税", unfiltered=True)


def test_a_broad_words_gaps_stay_exact_through_writes_and_the_sweep(
    compare, gapped, demo_catalogue, django_capture_on_commit_callbacks
):
    backend = DatabaseBackend()
    # A textbook without 技术 given it in its title, then written back without it; one with
    # it removed.
    kept, _missing = gapped()
    without = CatalogueEntry.objects.get(pk=min(kept)).textbook_id
    document = build_document(without)
    backend.index(dataclasses.replace(document, title_text=f"{document.title_text} {WORD}"))
    kept, missing = gapped()
    assert kept == missing and not CatalogueEntry.objects.filter(pk__in=kept, textbook_id=without)
    backend.index(document)
    backend.remove(demo_catalogue["cnc-programming"])
    kept, missing = gapped()
    assert kept == missing and CatalogueEntry.objects.filter(pk__in=kept, textbook_id=without)
    compare(query=WORD)
    day = timezone.localdate()
    TextbookLifecycle.objects.filter(textbook__slug="basic-nursing").update(
        next_due_on=day - datetime.timedelta(days=400)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sweep(day)
    compare(query=WORD)


def test_a_word_no_longer_in_most_of_the_catalogue_stops_keeping_its_gaps(gapped, monkeypatch):
    monkeypatch.setattr(database, "GAPS_SHARE", 0.9)
    DatabaseBackend().refresh_terms()
    term = CatalogueTerm.objects.get(query=f"'{WORD}'")
    assert not term.gaps_kept and not term.gaps.exists()
    # Only the words in more than 90 % of the entries keep theirs.
    assert not CatalogueTermGap.objects.filter(term__gaps_kept=False).exists()
    # Counted from its matches again, the same figures.
    assert service.search(WORD, {"tier": ["national"]}).total == len(
        [h for h in service.search(WORD, per_page=100).hits if h.tier == "national"]
    )
