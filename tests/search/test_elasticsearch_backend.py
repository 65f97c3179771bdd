"""The Elasticsearch backend without Elasticsearch: mapping and query building (to_dict),
parsing of recorded responses, and the fallback to the database when it cannot be reached."""

import json
import logging
import socket
from pathlib import Path

import pytest
from elasticsearch.dsl import Index
from elasticsearch.dsl.faceted_search import FacetedResponse

from cms.search import service
from cms.search.backends.elasticsearch import (
    INDEX,
    WORD_FIELDS,
    CatalogueDoc,
    ElasticsearchBackend,
)
from cms.search.facets import recently_updated_cutoff
from cms.search.models import TIER_BOOST, CatalogueFacet
from tests.search.conftest import slugs

FIXTURES = Path(__file__).with_name("fixtures")


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def backend():
    return ElasticsearchBackend(closed_port_url())


def word(text):
    return {
        "multi_match": {
            "query": text,
            "fields": WORD_FIELDS,
            "type": "best_fields",
            "operator": "and",
        }
    }


def boosted(query):
    """``query`` with its relevance multiplied by the planning tier, as the database does."""
    return {
        "function_score": {
            "query": query,
            "functions": [
                {"filter": {"term": {"tier": tier}}, "weight": boost}
                for tier, boost in TIER_BOOST.items()
            ],
            "score_mode": "first",
            "boost_mode": "multiply",
        }
    }


# -- mapping ----------------------------------------------------------------------------------


def test_mapping_indexes_segmented_text_as_words_and_cjk_bigrams():
    index = Index(INDEX)
    index.document(CatalogueDoc)
    body = index.to_dict()
    assert body["settings"]["analysis"]["analyzer"]["catalogue_words"] == {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
    }
    properties = body["mappings"]["properties"]
    for field in ("title_text", "subject_text", "body_text"):
        assert properties[field] == {
            "type": "text",
            "analyzer": "catalogue_words",
            "fields": {"cjk": {"type": "text", "analyzer": "cjk"}},
        }
    assert properties["title"] == {
        "type": "text",
        "analyzer": "cjk",
        "fields": {"raw": {"type": "keyword"}},
    }


def test_mapping_holds_current_edition_fields_and_keyword_facets():
    properties = CatalogueDoc._doc_type.mapping.to_dict()["properties"]
    assert properties["edition_version"] == {"type": "keyword"}
    assert properties["edition_published_at"] == {"type": "date"}
    assert properties["updated_at"] == {"type": "date"}
    assert properties["isbn"] == {"type": "keyword"}
    for facet in ("major_category", "major", "level", "course_type", "course", "form", "tier"):
        assert properties[facet] == {"type": "keyword"}
    assert properties["labels"] == {"type": "object", "enabled": False}


# -- query building ---------------------------------------------------------------------------


def test_every_word_must_match_itself_or_all_its_sub_words(backend):
    body = backend.faceted_search("数控机床编程")._s.to_dict()
    assert body["query"] == boosted(
        {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "should": [
                                word("数控机床"),
                                {"bool": {"must": [word("数控"), word("机床")]}},
                            ],
                            "minimum_should_match": 1,
                        }
                    },
                    word("编程"),
                ]
            }
        }
    )
    assert body["sort"] == [{"status_rank": "asc"}, {"_score": "desc"}, {"title.raw": "asc"}]
    assert body["track_total_hits"] is True


def test_relaxed_query_needs_any_word(backend):
    query = backend.faceted_search("数控 护理", any_term=True)._s.to_dict()["query"]
    assert query == boosted(
        {"bool": {"should": [word("数控"), word("护理")], "minimum_should_match": 1}}
    )


def test_isbns_filter_exactly_and_english_words_are_lower_cased(backend):
    query = backend.faceted_search("978-7-111-72345-5 BMS")._s.to_dict()["query"]
    assert query == boosted(
        {"bool": {"must": [word("bms")], "filter": [{"terms": {"isbn": ["9787111723455"]}}]}}
    )


def test_an_empty_query_lists_in_use_then_recently_updated_first(backend):
    body = backend.faceted_search("")._s.to_dict()
    assert "query" not in body
    assert body["sort"] == [{"status_rank": "asc"}, {"updated_at": "desc"}, {"title.raw": "asc"}]


def test_facet_filters_narrow_hits_and_each_facet_counts_under_the_others(backend):
    body = backend.faceted_search(
        "数控",
        {"tier": ["national", "provincial"], "recently_updated": ["true"]},
        page=3,
        per_page=10,
    )._s.to_dict()
    tier = {"terms": {"tier": ["national", "provincial"]}}
    # The cutoff is the lifecycle's "recently updated" day, not a separate constant.
    cutoff = recently_updated_cutoff().isoformat()
    recent = {"range": {"updated_at": {"gte": cutoff}}}
    assert body["post_filter"] == {"bool": {"must": [tier, recent]}}
    assert body["aggs"]["_filter_tier"]["filter"] == recent
    assert body["aggs"]["_filter_recently_updated"]["filter"] == tier
    assert body["aggs"]["_filter_major"] == {
        "filter": {"bool": {"must": [tier, recent]}},
        "aggs": {"major": {"terms": {"field": "major", "size": 200}}},
    }
    assert body["aggs"]["_filter_recently_updated"]["aggs"] == {
        "recently_updated": {
            "range": {
                "field": "updated_at",
                "ranges": [{"key": "true", "from": cutoff}],
                "keyed": False,
            }
        }
    }
    assert (body["from"], body["size"]) == (20, 10)


def test_unknown_facets_and_recently_updated_values_are_dropped(backend):
    body = backend.faceted_search("", {"colour": ["red"], "recently_updated": ["maybe"]})
    assert "post_filter" not in body._s.to_dict()


def test_documents_carry_facet_values_and_status_rank():
    from datetime import UTC, datetime

    from cms.search.documents import CatalogueDocument

    document = CatalogueDocument(
        textbook_id=7,
        title="数控加工工艺",
        slug="cnc-process",
        url="/textbooks/cnc-process/",
        isbn="9787111723462",
        tier="provincial",
        co_developed=True,
        status="retired",
        status_note="",
        edition_version="2.1",
        edition_published_at=datetime(2026, 3, 1, tzinfo=UTC),
        updated_at=datetime(2026, 3, 1, tzinfo=UTC),
        title_text="数控 加工 工艺",
        subject_text="",
        body_text="",
        facets={"tier": [("provincial", "省级规划教材")], "co_developed": [("true", "校企")]},
    )
    doc = CatalogueDoc.from_document(document).to_dict(include_meta=True)
    assert doc["_id"] == 7
    source = doc["_source"]
    assert source["status_rank"] == 2  # after in-use (0) and suspended (1) textbooks
    assert source["tier"] == ["provincial"] and source["co_developed"] == ["true"]
    assert source["labels"] == {"tier": ["省级规划教材"], "co_developed": ["校企"]}
    assert source["edition_version"] == "2.1"
    assert source["status_note"] == ""


def test_an_in_use_textbook_due_for_revision_tells_teachers_so_from_elasticsearch_too(backend, db):
    """The result list says 待修订 beside an in-use textbook whose revision is due, whichever
    backend answered: the note is stored in the document and parsed back."""
    hit = recorded(backend, "es_search_cnc_national.json", "数控", {"tier": ["national"]}).hits[0]
    assert (hit.status, hit.status_note) == ("in_use", "待修订")


def test_the_status_note_is_stored_but_not_searchable():
    properties = CatalogueDoc._doc_type.mapping.to_dict()["properties"]
    assert properties["status_note"] == {"type": "keyword", "index": False}


# -- response parsing -------------------------------------------------------------------------


def recorded(backend, name, query, filters):
    faceted = backend.faceted_search(query, filters)
    response = FacetedResponse(faceted._s, json.loads((FIXTURES / name).read_text()))
    response._faceted_search = faceted
    return backend.parse(response, query, filters, page=1, per_page=20)


def facet(results, key):
    return {o.value: o for o in next(f for f in results.facets if f.key == key).options}


def test_hits_are_parsed_from_a_recorded_response(backend, db):
    results = recorded(backend, "es_search_cnc_national.json", "数控", {"tier": ["national"]})
    assert results.backend == "elasticsearch"
    assert results.total == 1
    [hit] = results.hits
    assert (hit.textbook_id, hit.slug, hit.url) == (
        1,
        "cnc-programming",
        "/textbooks/cnc-programming/",
    )
    assert (hit.tier, hit.co_developed, hit.status) == ("national", True, "in_use")
    assert hit.edition_version == "1.2"
    assert hit.edition_published_at.isoformat() == "2026-09-01T02:00:00+00:00"
    assert hit.score == pytest.approx(7.31)
    assert hit.labels["major"] == ["460103 数控技术", "660103 数控技术应用"]


def test_facets_are_parsed_with_labels_from_the_database_index(backend, db):
    CatalogueFacet.objects.create(facet="tier", value="national", label="国家规划教材")
    results = recorded(backend, "es_search_cnc_national.json", "数控", {"tier": ["national"]})
    tiers = facet(results, "tier")
    assert [(o.value, o.count, o.selected) for o in tiers.values()] == [
        ("national", 1, True),
        ("provincial", 1, False),
        ("school", 1, False),
    ]
    assert tiers["national"].label == "国家规划教材"
    assert tiers["provincial"].label == "provincial"  # no entry in the database to name it
    assert facet(results, "recently_updated")["true"].label == "近一年更新"
    assert facet(results, "form")["loose_leaf"].count == 1


def test_a_selected_value_without_hits_stays_visible_with_zero(backend, db):
    results = recorded(backend, "es_search_no_hits.json", "天文学", {"tier": ["school"]})
    assert results.total == 0 and results.hits == []
    assert [(o.value, o.count, o.selected) for o in facet(results, "tier").values()] == [
        ("school", 0, True)
    ]


# -- fallback ---------------------------------------------------------------------------------


def test_unreachable_elasticsearch_falls_back_to_the_database_and_says_so_in_the_log(
    db, settings, published_textbook, caplog
):
    settings.ELASTICSEARCH_URL = closed_port_url()
    # Publishing still indexes the database, although the Elasticsearch write fails.
    textbook = published_textbook("量子计算导论")
    with caplog.at_level(logging.WARNING, logger="cms.search"):
        results = service.search("量子")
    assert results.backend == "database"
    assert slugs(results) == [textbook.slug]
    assert "Elasticsearch unavailable" in caplog.text
