"""The database backend over the demo catalogue (runs on SQLite and on PostgreSQL)."""

import dataclasses
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.search import service
from cms.search.backends.database import ENTRY, DatabaseBackend
from cms.search.documents import build_document
from cms.search.models import (
    TIER_BOOST,
    CatalogueEntry,
    CatalogueFacet,
    CatalogueTerm,
    CatalogueTermFacet,
    Status,
)
from tests.search.conftest import slugs
from tests.search.scenarios import QUALITY
from textbooks.models import UnitPage
from textbooks.models.catalogue import Tier

# django_db also orders these tests with the other database tests, before the transactional
# ones (live server, races), whose flush would remove the role groups the demo needs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue", "database_only")]


@pytest.fixture
def postgres_only():
    """For what exists on PostgreSQL only (tsvector columns, planner settings, kept word
    counts): skipped on SQLite, run in make test's PostgreSQL pass."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only (tsvector, planner settings, kept word counts); runs in "
            "make test's PostgreSQL pass"
        )


def test_the_quality_set_is_large_enough():
    assert len(QUALITY) >= 30


@pytest.mark.parametrize(("query", "slug"), QUALITY)
def test_expected_textbook_is_in_the_top_five(db, query, slug):
    results = service.search(query, per_page=5)
    assert results.backend == "database"
    assert slug in slugs(results), f"{query!r}: top 5 were {slugs(results)}"


def test_whole_title_ranks_its_textbook_first(db):
    assert slugs(service.search("数控机床编程与操作（活页式）"))[0] == "cnc-programming"
    assert slugs(service.search("工业机器人编程与调试"))[0] == "industrial-robot-programming"


def test_every_word_must_match_when_some_textbook_has_them_all(db):
    results = service.search("机器人 编程")
    assert slugs(results) == ["industrial-robot-programming"]
    assert not results.relaxed


def test_no_textbook_has_every_word_so_any_word_matches_and_says_so(db):
    results = service.search("数控 天文学")
    assert results.relaxed
    assert set(slugs(results)) == {"cnc-programming", "cnc-process", "cnc-lathe-secondary"}


def test_a_partial_isbn_matches_nothing(db):
    assert service.search("978711172345").total == 0


def test_an_empty_query_lists_the_whole_published_catalogue(db, demo_catalogue):
    results = service.search("", per_page=100)
    # Every demo textbook but the one retired before it was ever published (DEMO_RETIRED).
    published = set(demo_catalogue) - {"cnc-lathe-2019"}
    assert results.total == len(published) == 13
    assert {h.slug for h in results.hits} == published


def test_hits_carry_what_a_result_shows(db):
    hit = service.search("G71").hits[0]
    assert hit.title == "数控机床编程与操作（活页式）"
    assert hit.url == "/textbooks/cnc-programming/"
    assert hit.tier == "national" and hit.co_developed and hit.recently_updated
    assert hit.status == Status.IN_USE
    assert hit.labels["form"] == ["活页式", "融媒体", "工作手册式"]
    assert hit.labels["major"] == ["460103 数控技术", "660103 数控技术应用"]


# -- facets -------------------------------------------------------------------------------


def facet(results, key):
    return {o.value: o for o in next(f for f in results.facets if f.key == key).options}


def test_facet_counts_are_what_selecting_the_value_returns(db):
    for query in ("", "数控", "技术"):
        results = service.search(query)
        for result in results.facets:
            for option in result.options:
                narrowed = service.search(query, {result.key: [option.value]})
                assert narrowed.total == option.count, (query, result.key, option.label)


def counted_directly(entries=None):
    """{facet id: entries having it}, recounted from ``entries`` (default: all)."""
    counts = Counter()
    entries = CatalogueEntry.objects.all() if entries is None else entries
    for ids in entries.values_list("facet_ids", flat=True):
        counts.update(ids)
    return dict(counts)


def test_catalogue_wide_counts_follow_every_write(db, demo_catalogue):
    def stored():
        return {pk: n for pk, n in CatalogueFacet.objects.values_list("pk", "entry_count") if n}

    assert stored() == counted_directly()
    backend = DatabaseBackend()
    backend.remove(demo_catalogue["cnc-programming"])
    backend.remove(demo_catalogue["ev-battery"])
    assert stored() == counted_directly()
    backend.index(build_document(demo_catalogue["ev-battery"]))
    service.reindex_textbook(demo_catalogue["basic-nursing"])
    assert stored() == counted_directly()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the row estimate that picks how to count
            cursor.execute(f"ANALYZE {CatalogueEntry._meta.db_table}")
    # Broad (the empty query, 12 of 12: catalogue counts minus the entries left out) and
    # narrow matches (数控, 3 of 12: counted directly) count alike.
    for query in ("", "技术", "数控"):
        results = service.search(query)
        for result in results.facets:
            for option in result.options:
                narrowed = service.search(query, {result.key: [option.value]})
                assert narrowed.total == option.count, (query, result.key, option.label)


def test_facets_combine_with_and_across_and_or_within(db):
    both = service.search("", {"tier": ["national"], "co_developed": ["true"]})
    assert set(slugs(both)) == {"cnc-programming", "ev-battery"}
    either = service.search("", {"tier": ["national", "provincial"]})
    national, provincial = (
        service.search("", {"tier": [t]}).total for t in ("national", "provincial")
    )
    assert either.total == national + provincial == 11


def test_a_facet_counts_under_the_other_facets_but_not_its_own(db):
    results = service.search("", {"tier": ["school"], "major_category": ["装备制造大类"]})
    assert slugs(results) == ["cnc-lathe-secondary"]
    tiers = facet(results, "tier")
    # Counted without the tier selection: all tiers within 装备制造大类 …
    assert {v: o.count for v, o in tiers.items()} == {"national": 2, "provincial": 2, "school": 1}
    assert tiers["school"].selected and not tiers["national"].selected
    # … and the categories counted within the school tier.
    assert {v: o.count for v, o in facet(results, "major_category").items()} == {
        "装备制造大类": 1,
        "电子与信息大类": 1,
    }


def test_recently_updated_counts_from_the_date_at_query_time(db, demo_catalogue):
    assert facet(service.search(""), "recently_updated")["true"].count == 13
    # Re-indexed as last updated two years ago (entries are written by the backend only:
    # it keeps the counts, cms/search/models.py).
    document = build_document(demo_catalogue["basic-nursing"])
    two_years_ago = document.updated_at.replace(year=document.updated_at.year - 2)
    DatabaseBackend().index(dataclasses.replace(document, updated_at=two_years_ago))
    results = service.search("", {"recently_updated": ["true"]})
    assert results.total == 12
    assert "basic-nursing" not in slugs(
        service.search("", {"recently_updated": ["true"]}, per_page=20)
    )


def test_unknown_facets_are_ignored_and_unknown_values_match_nothing(db):
    assert service.search("", {"colour": ["red"]}).total == 13
    results = service.search("", {"tier": ["imaginary"]})
    assert results.total == 0
    assert facet(results, "tier")["imaginary"].selected


def test_a_retired_textbook_comes_after_its_successor(db, demo_catalogue):
    query = "数控机床编程与操作"  # the title of one, the course of both
    assert slugs(service.search(query)) == ["cnc-programming", "cnc-lathe-secondary"]
    document = build_document(demo_catalogue["cnc-programming"])
    document.status = Status.RETIRED
    DatabaseBackend().index(document)
    assert slugs(service.search(query)) == ["cnc-lathe-secondary", "cnc-programming"]


def test_searching_leaves_no_planner_setting_behind_in_the_callers_transaction(db, postgres_only):
    service.search("数控")
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


# -- only published content -----------------------------------------------------------------


def test_a_draft_revision_of_a_live_leaf_is_not_searchable(
    db, demo_catalogue, django_capture_on_commit_callbacks
):
    leaf = UnitPage.objects.live().filter(title="无菌技术").get()
    leaf.summary = "引力波探测"
    with django_capture_on_commit_callbacks(execute=True):
        leaf.save_revision(user=leaf.owner)
        service.reindex_textbook(demo_catalogue["basic-nursing"])
    assert service.search("引力波").total == 0
    assert slugs(service.search("无菌技术"))[0] == "basic-nursing"


# -- rebuilding -------------------------------------------------------------------------------


def test_rebuild_command_prints_plain_progress_lines_off_a_terminal(db, capsys):
    call_command("catalog_index", "rebuild", "--batch-size", "5")
    out = capsys.readouterr().out
    # 14 demo textbooks, one never published (DEMO_RETIRED): 13 indexed.
    assert "5/14 textbooks processed" in out and "14/14 textbooks processed" in out
    assert "Indexed 13 published textbooks." in out
    assert CatalogueEntry.objects.count() == 13
    assert slugs(service.search("G71")) == ["cnc-programming"]


def test_for_equally_good_matches_the_national_planned_textbook_comes_first(db):
    """A teacher searching 数控 sees the national planned CNC textbook before the provincial
    and the school-based ones that match as well (each has 数控 in its title and majors)."""
    results = service.search("数控")
    tiers = {hit.slug: hit.tier for hit in results.hits}
    assert tiers == {
        "cnc-programming": "national",
        "cnc-process": "provincial",
        "cnc-lathe-secondary": "school",
    }
    assert slugs(results) == ["cnc-programming", "cnc-process", "cnc-lathe-secondary"]


def test_the_tier_boost_does_not_bury_a_much_better_match(db):
    """The boost orders equally good matches; a school-based textbook whose title is the
    teacher's query still comes before national ones that only mention a word of it."""
    assert slugs(service.search("数控车床加工技术"))[0] == "cnc-lathe-secondary"


def test_every_tier_has_a_boost():
    assert set(TIER_BOOST) == set(Tier.values)
    assert TIER_BOOST[Tier.NATIONAL] > TIER_BOOST[Tier.PROVINCIAL] > TIER_BOOST[Tier.SCHOOL]


def test_postgres_writes_each_entry_once_with_the_vectors_of_its_texts(
    db, demo_catalogue, postgres_only
):
    """One row version per write (no UPDATE after the INSERT), and the vectors are exactly
    the weighted vectors of the segmented texts: title A, majors and courses B, content C."""
    with CaptureQueriesContext(connection) as writes:
        service.reindex_textbook(demo_catalogue["ev-battery"])
    assert not [q for q in writes if q["sql"].startswith("UPDATE") and ENTRY in q["sql"]]
    title = "setweight(to_tsvector('simple', title_text), 'A')"
    subject = "setweight(to_tsvector('simple', subject_text), 'B')"
    body = "setweight(to_tsvector('simple', body_text), 'C')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE rank_vector = {title} || {subject} "
            f"AND search_vector = {title} || {subject} || {body}) FROM {ENTRY}"
        )
        entries, matching = cursor.fetchone()
    assert entries == matching == len(demo_catalogue) - 1  # DEMO_RETIRED was never published


# -- kept facet counts of broad words (PostgreSQL) ---------------------------------------------


def word_of(query):
    """The word a kept query is searched by: its first lexeme ('计算机' | '计算' & '算机')."""
    return query.split("'")[1]


def kept_counts():
    """{(word, facet id): entries}, as kept (zeros left out)."""
    rows = CatalogueTermFacet.objects.filter(entry_count__gt=0)
    return {
        (word_of(query), facet_id): n
        for query, facet_id, n in rows.values_list("term__query", "facet_id", "entry_count")
    }


def recounted(words):
    """The same, recounted from the entries that searching each word finds."""
    counts = {}
    for word in words:
        found = [hit.textbook_id for hit in service.search(word, per_page=100).hits]
        entries = CatalogueEntry.objects.filter(textbook_id__in=found)
        counts.update({(word, i): n for i, n in counted_directly(entries).items()})
    return counts


def kept_words():
    return {word_of(query) for query in CatalogueTerm.objects.values_list("query", flat=True)}


def test_broad_words_keep_exact_facet_counts_through_every_write(db, demo_catalogue, postgres_only):
    # Words in a tenth of the 13 entries (2) are kept; the default share keeps every word of
    # so small a catalogue.
    backend = DatabaseBackend()
    backend.refresh_terms(share=0.1)
    words = kept_words()
    assert {"技术", "数控", "编程"} <= words and "g71" not in words  # G71: one textbook
    assert kept_counts() == recounted(words)
    backend.remove(demo_catalogue["cnc-programming"])
    backend.remove(demo_catalogue["ev-battery"])
    assert kept_counts() == recounted(words)
    backend.index(build_document(demo_catalogue["ev-battery"]))
    service.reindex_textbook(demo_catalogue["basic-nursing"])
    assert kept_counts() == recounted(words)
    # What a teacher sees: each count is what selecting the value returns.
    for result in service.search("数控").facets:
        for option in result.options:
            narrowed = service.search("数控", {result.key: [option.value]})
            assert narrowed.total == option.count, (result.key, option.label)


def test_searching_a_broad_word_reads_its_kept_counts(db, postgres_only):
    kept = CatalogueTermFacet.objects.filter(term__query="'技术'", facet__facet="tier")
    national = kept.get(facet__value="national")
    assert facet(service.search("技术"), "tier")["national"].count == national.entry_count
    kept.filter(pk=national.pk).update(entry_count=999)  # only the kept row says 999
    assert facet(service.search("技术"), "tier")["national"].count == 999
    # A word not kept (G71) and a filtered search are counted from their matches.
    assert facet(service.search("G71"), "tier")["national"].count == 1


def test_the_daily_refresh_follows_the_share_of_the_catalogue(db, postgres_only):
    backend = DatabaseBackend()
    before = kept_words()
    kept, new, dropped = backend.refresh_terms(share=0.5)  # at least 7 of 13 entries
    after = kept_words()
    assert (kept, new, dropped) == (len(after), 0, len(before - after))
    assert "数控" not in after and "技术" in after
    assert all(service.search(word).total >= 7 for word in after)
    assert kept_counts() == recounted(after)
    kept, new, dropped = backend.refresh_terms()
    assert (kept, new, dropped) == (len(before), len(before - after), 0)
    assert kept_words() == before
    assert kept_counts() == recounted(before)


def test_terms_command_says_how_many_words_it_keeps(db, capsys):
    call_command("catalog_index", "terms")
    out = capsys.readouterr().out
    expected = CatalogueTerm.objects.count()
    assert f"Facet counts kept for {expected} broad words (0 new, 0 dropped)." in out
    assert expected > 0 or connection.vendor != "postgresql"
