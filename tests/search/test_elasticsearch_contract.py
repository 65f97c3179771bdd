"""The same scenarios as the database backend, against a real Elasticsearch.

Runs only when ELASTICSEARCH_URL is set (Elasticsearch cannot run on the development machines);
each run uses its own index, deleted afterwards.
"""

import os
import uuid

import pytest
from django.db import transaction

from cms.search.backends.database import DatabaseBackend
from cms.search.backends.elasticsearch import ElasticsearchBackend
from cms.search.documents import build_document
from tests.search.conftest import slugs
from tests.search.scenarios import QUALITY

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

pytestmark = pytest.mark.skipif(
    not ELASTICSEARCH_URL,
    reason="ELASTICSEARCH_URL is not set: the Elasticsearch contract suite needs a live cluster",
)


@pytest.fixture(scope="module")
def elastic(demo_catalogue, django_db_blocker):
    backend = ElasticsearchBackend(ELASTICSEARCH_URL, index=f"test-catalogue-{uuid.uuid4().hex}")
    with django_db_blocker.unblock(), transaction.atomic():
        backend.clear()
        backend.bulk_index([build_document(pk) for pk in demo_catalogue.values()])
        backend.refresh()
    yield backend
    backend.client.options(ignore_status=404).indices.delete(index=backend.index_name)


@pytest.mark.parametrize(("query", "slug"), QUALITY)
def test_expected_textbook_is_in_the_top_five(elastic, db, query, slug):
    results = elastic.search(query, per_page=5)
    assert slug in slugs(results), f"{query!r}: top 5 were {slugs(results)}"


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("数控", {}),
        ("", {"tier": ["national"], "co_developed": ["true"]}),
        ("技术", {"major_category": ["装备制造大类"], "tier": ["school"]}),
        ("", {"recently_updated": ["true"], "form": ["workbook", "loose_leaf"]}),
    ],
)
def test_same_hits_and_facet_counts_as_the_database(elastic, db, query, filters):
    expected = DatabaseBackend().search(query, filters, per_page=100)
    actual = elastic.search(query, filters, per_page=100)
    assert actual.total == expected.total
    assert set(slugs(actual)) == set(slugs(expected))

    def statuses(results):
        return {hit.slug: (hit.status, hit.status_note) for hit in results.hits}

    assert statuses(actual) == statuses(expected)

    def counts(results):
        return {(f.key, o.value): o.count for f in results.facets for o in f.options}

    assert counts(actual) == counts(expected)


def test_relaxes_to_any_word_when_no_textbook_has_them_all(elastic, db):
    results = elastic.search("数控 天文学")
    assert results.relaxed
    assert set(slugs(results)) == {"cnc-programming", "cnc-process", "cnc-lathe-secondary"}


def test_removed_textbooks_disappear(elastic, db, demo_catalogue):
    elastic.remove(demo_catalogue["smart-tax"])
    elastic.refresh()
    assert "smart-tax" not in slugs(elastic.search("财税"))
    elastic.index(build_document(demo_catalogue["smart-tax"]))
    elastic.refresh()
    assert slugs(elastic.search("财税"))[0] == "smart-tax"


@pytest.mark.parametrize("query", ["汽修", "车工", "航天器"])
def test_same_nearest_titles_as_the_database(elastic, db, query):
    expected = {near.title for near in DatabaseBackend().nearest(query)}
    assert {near.title for near in elastic.nearest(query)} == expected
