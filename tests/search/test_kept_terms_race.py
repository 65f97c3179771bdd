"""The daily choice of broad words and an index writer at the same moment, from two connections.

Without the refresh's lock the new word 甲 would be counted from a snapshot that cannot see the
writer's uncommitted entry, while the writer, which started before 甲 was kept, counted itself
into no word: 甲 would show two textbooks where searching finds three.
"""

import io
import threading
import time
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from cms.search.backends.database import DatabaseBackend
from cms.search.documents import CatalogueDocument
from cms.search.models import CatalogueTerm, CatalogueTermFacet, Status
from cms.search.segment import index_text

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="kept word counts and table locks are PostgreSQL's; runs in make test's "
        "PostgreSQL pass",
    ),
]


def document(textbook, body):
    now = timezone.now()
    return CatalogueDocument(
        textbook_id=textbook.pk,
        title=textbook.title,
        slug=textbook.slug,
        url=f"/textbooks/{textbook.slug}/",
        isbn=textbook.isbn,
        tier=textbook.tier,
        co_developed=False,
        status=Status.IN_USE,
        edition_version="1.0",
        edition_published_at=now,
        updated_at=now,
        title_text=index_text(textbook.title),
        subject_text="",
        body_text=index_text(body),
        facets={"tier": [(textbook.tier, "国家规划")]},
    )


@pytest.fixture
def catalogue(transactional_db, make_user, make_textbook):
    """Three indexed textbooks (甲, 甲, 乙) and a fourth not yet indexed; no word kept."""
    chief = make_user()
    textbooks = [make_textbook(chief) for _ in range(4)]
    backend = DatabaseBackend()
    backend.clear()
    backend.bulk_index(
        [document(t, body) for t, body in zip(textbooks[:3], ["甲", "甲", "乙"], strict=True)]
    )
    return backend, textbooks


@contextmanager
def writer_in_flight(backend, document):
    """Another connection indexing ``document``, its transaction open until the block ends."""
    written, release = threading.Event(), threading.Event()

    def write():
        try:
            with transaction.atomic():
                backend.bulk_index([document])
                written.set()
                release.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert written.wait(10)
    try:
        yield
    finally:
        release.set()
        writer.join(10)


def test_a_writer_in_flight_is_counted_into_the_words_chosen_meanwhile(catalogue):
    backend, textbooks = catalogue
    chosen = {}

    def refresh():
        try:
            chosen["result"] = backend.refresh_terms(share=0.5)
        finally:
            connection.close()

    refresher = threading.Thread(target=refresh)
    with writer_in_flight(backend, document(textbooks[3], "甲")):
        refresher.start()
        time.sleep(0.5)
        assert refresher.is_alive(), "the refresh must wait for the writer's transaction"
    refresher.join(10)

    assert chosen["result"][1] >= 1  # 甲 (3 of 4 entries) is new
    kept = CatalogueTermFacet.objects.get(term__query="'甲'", facet__facet="tier")
    assert kept.entry_count == 3
    assert backend.search("甲").total == 3


def test_the_daily_command_gives_up_on_a_long_write_and_changes_nothing(catalogue):
    backend, textbooks = catalogue
    backend.refresh_terms(share=0.5)
    before = set(CatalogueTerm.objects.values_list("query", flat=True))
    with writer_in_flight(backend, document(textbooks[3], "乙")):
        with pytest.raises(CommandError) as refused:
            call_command("catalog_index", "terms", "--lock-timeout", "0.2")
    assert str(refused.value) == (
        "Index writes held the catalogue for more than 0.2 s, so the broad words were not "
        "chosen again; nothing changed. Run it again later, or with a longer --lock-timeout."
    )
    assert "'甲'" in before and "'乙'" not in before  # 2 and 1 of 3 entries
    assert set(CatalogueTerm.objects.values_list("query", flat=True)) == before
    # Once the writer is done, the next run (a tenth of the catalogue: every word) keeps 乙.
    out = io.StringIO()
    call_command("catalog_index", "terms", stdout=out)
    assert out.getvalue().startswith("Facet counts kept for ")
    assert CatalogueTermFacet.objects.get(term__query="'乙'", facet__facet="tier").entry_count == 2
