"""A search that finds nothing: no relaxed heading above nothing, and the nearest titles, from
the database and from Elasticsearch alike."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from cms.search import service
from cms.search.backends.database import DatabaseBackend, PostgresFullText
from cms.search.backends.elasticsearch import ElasticsearchBackend
from cms.search.segment import near_pieces

FIXTURES = Path(__file__).with_name("fixtures")


def test_a_query_is_cut_into_words_pairs_and_characters_worth_3_2_and_1():
    assert near_pieces("车工工艺") == [
        ("车工", 3),
        ("工艺", 3),
        ("工工", 2),
        ("车", 1),
        ("工", 1),
        ("艺", 1),
    ]
    # English words lower-cased, stop words and ISBNs left out.
    assert near_pieces("BMS 与 9787111723455") == [("bms", 3)]
    assert near_pieces("！？") == []


def test_the_database_suggests_the_titles_sharing_most_of_the_query(db, demo_catalogue):
    results = service.search("汽修")  # what teachers call 汽车维修
    assert (results.total, results.relaxed) == (0, False)
    assert [(n.title, n.url) for n in results.nearest] == [
        ("新能源汽车动力电池检测与维修", "/textbooks/ev-battery/")
    ]
    # 车工: the turning book shares 车 and 工; the robot book only 工, which is chance.
    assert [n.title for n in service.search("车工").nearest] == ["数控车床加工技术（校本）"]
    # Sharing one character is no nearness (器 of 机器人).
    assert service.search("航天器").nearest == []


NEAR_QUERIES = [
    "汽修",
    "池航修",
    "车工",
    "航天器",
    "电池包",
    "BMS检测",
    "工业机器人焊接",
    "护理学",
    "G代码",
]


def test_the_character_index_narrows_the_titles_without_changing_the_suggestions(
    db, demo_catalogue, monkeypatch
):
    """PostgreSQL reads the candidate titles from the index of their characters; what is
    suggested is what testing every title suggests."""
    if connection.vendor != "postgresql":
        pytest.skip("the titles' character index is PostgreSQL's; runs in its pass")
    backend = DatabaseBackend()
    narrowed = {q: backend.nearest(q) for q in NEAR_QUERIES}
    assert narrowed["汽修"] and narrowed["车工"] and not narrowed["航天器"]
    # Two characters apart, neither a word nor a pair of the query: near all the same.
    assert [n.title for n in narrowed["池航修"]] == ["新能源汽车动力电池检测与维修"]
    monkeypatch.setattr(PostgresFullText, "near_candidates", staticmethod(lambda pieces: None))
    assert narrowed == {q: backend.nearest(q) for q in NEAR_QUERIES}


def test_the_candidates_hold_a_telling_piece_or_two_characters():
    condition = PostgresFullText.near_candidates(near_pieces("电池"))
    # 电池 (3) needs both characters, as two single ones (1 + 1) do: one set.
    assert condition.sql.count("@>") == 1 and sorted(condition.params) == ["池", "电"]
    assert PostgresFullText.near_candidates(near_pieces("BMS")).params == ["b", "m", "s"]
    # Too many single characters to pair: every title is tested instead.
    assert (
        PostgresFullText.near_candidates(near_pieces("甲 乙 丙 丁 戊 己 庚 辛 壬 癸 子 丑")) is None
    )


def test_a_search_with_hits_suggests_nothing(db, demo_catalogue):
    assert service.search("数控").nearest == []
    assert service.search("数控 量子").relaxed  # some words match: the hits are those


def test_nothing_near_a_query_of_punctuation(db, demo_catalogue):
    assert DatabaseBackend().nearest("……") == []


class RecordedClient:
    """An Elasticsearch client answering each search with the next recorded body."""

    def __init__(self, *bodies):
        self.bodies = list(bodies)
        self.requests = []

    def search(self, **request):
        self.requests.append(request)
        return SimpleNamespace(body=self.bodies.pop(0))


def nearest_body(*titles):
    hits = [
        {"_index": "x", "_id": str(n), "_score": 3.0, "_source": {"title": t, "url": f"/t/{n}/"}}
        for n, t in enumerate(titles)
    ]
    return {"hits": {"total": {"value": len(hits), "relation": "eq"}, "hits": hits}}


def test_elasticsearch_finding_nothing_relaxed_or_not_suggests_the_nearest_titles(db):
    empty = json.loads((FIXTURES / "es_search_no_hits.json").read_text())
    client = RecordedClient(empty, empty, nearest_body("数控车削编程与加工"))
    results = ElasticsearchBackend("http://unused", client=client).search("车工 艺术")
    assert (results.total, results.relaxed) == (0, False)
    assert [(n.title, n.url) for n in results.nearest] == [("数控车削编程与加工", "/t/0/")]
    # No option without textbooks: the recorded "recently updated" bucket counted 0.
    assert [f.options for f in results.facets if f.options] == []
    # The third request asked for titles holding the query's pieces, each worth its weight.
    body = client.requests[2]["body"]
    should = body["query"]["bool"]["should"]
    assert should[0] == {
        "wildcard": {"title.raw": {"value": "*车工*", "boost": 3, "case_insensitive": True}}
    }
    assert [clause["wildcard"]["title.raw"]["boost"] for clause in should] == [
        weight for _piece, weight in near_pieces("车工 艺术")
    ]
    assert body["sort"] == ["_score", {"status_rank": "asc"}, {"title.raw": "asc"}]
    assert body["size"] == 5


@pytest.mark.parametrize("query", ["", "……"])
def test_elasticsearch_has_nothing_to_suggest_without_pieces(query):
    backend = ElasticsearchBackend("http://unused", client=RecordedClient())
    assert backend.nearest(query) == []
