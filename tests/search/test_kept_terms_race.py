"""The daily choice of broad words and an index writer at the same moment, from two connections.

Without the refresh's lock the new word 甲 would be counted from a snapshot that cannot see the
writer's uncommitted entry, while the writer, which started before 甲 was kept, counted itself
into no word: 甲 would show two textbooks where searching finds three.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from cms.search.backends.database import DatabaseBackend
from cms.search.documents import CatalogueDocument
from cms.search.models import CatalogueTermFacet, Status
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


def test_a_writer_in_flight_is_counted_into_the_words_chosen_meanwhile(
    transactional_db, make_user, make_textbook
):
    chief = make_user()
    textbooks = [make_textbook(chief) for _ in range(4)]
    backend = DatabaseBackend()
    backend.clear()
    backend.bulk_index(
        [document(t, body) for t, body in zip(textbooks[:3], ["甲", "甲", "乙"], strict=True)]
    )
    written, release = threading.Event(), threading.Event()
    chosen = {}

    def write():
        try:
            with transaction.atomic():
                backend.bulk_index([document(textbooks[3], "甲")])
                written.set()
                release.wait(10)
        finally:
            connection.close()

    def refresh():
        try:
            chosen["result"] = backend.refresh_terms(share=0.5)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    assert written.wait(10)
    refresher = threading.Thread(target=refresh)
    refresher.start()
    time.sleep(0.5)
    assert refresher.is_alive(), "the refresh must wait for the writer's transaction"
    release.set()
    writer.join(10)
    refresher.join(10)

    assert chosen["result"][1] >= 1  # 甲 (3 of 4 entries) is new
    kept = CatalogueTermFacet.objects.get(term__query="'甲'", facet__facet="tier")
    assert kept.entry_count == 3
    assert backend.search("甲").total == 3
