"""Search whose cost is bounded by the page (benchmarks/README.md): the page is read in tiers
(title matches, title and subject matches, the others in their stored order) and the counts
from what the writer keeps, yet every total, facet count and position is what ranking and
counting every match gives. Runs on SQLite and on PostgreSQL; the tiers' own test is
PostgreSQL's."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cms.search import service
from cms.search.backends import database
from cms.search.backends.database import ENTRY, PG_WEIGHTS, DatabaseBackend
from cms.search.documents import CatalogueDocument
from cms.search.facets import recently_updated_cutoff
from cms.search.models import CatalogueDay, CatalogueEntry, CatalogueTermDay, Status
from cms.search.segment import index_text
from tests.search.conftest import slugs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_only")]

TIERS = {"national": "国家规划", "provincial": "省级规划", "school": "校本"}
# (slug, title, tier, status, subject, body): 焊接 in the title, in the subjects only, in the
# content only; a suspended title match; fourteen content matches sharing a title (SQLite's
# bm25 also weighs the length of the whole entry).
CATALOGUE = [
    ("weld-school", "焊接工艺", "school", Status.IN_USE, "", "焊接"),
    ("weld-national", "焊接工艺", "national", Status.IN_USE, "", "焊接"),
    ("weld-suspended", "焊接实训", "national", Status.SUSPENDED, "", "焊接"),
    ("subject-only", "电工基础", "provincial", Status.IN_USE, "焊接技术专业", "电工"),
    ("body-national", "钳工", "national", Status.IN_USE, "", "焊接"),
    ("body-school", "钳工", "school", Status.IN_USE, "", "焊接"),
    *(
        (f"fitter-{n:02d}", "钳工", ("national", "provincial", "school")[n % 3], Status.IN_USE,
         "", "焊接")
        for n in range(12)
    ),
    ("unrelated", "护理基础", "national", Status.IN_USE, "", "护理"),
]  # fmt: skip
# What a teacher searching 焊接 sees: in use first; the title matches (national before school
# for the same title), the subject match, then the content matches by tier and title; the
# suspended title match last. Equal in all else, the entry indexed first comes first.
EXPECTED = [
    "weld-national",
    "weld-school",
    "subject-only",
    "body-national",
    "fitter-00",
    "fitter-03",
    "fitter-06",
    "fitter-09",
    "fitter-01",
    "fitter-04",
    "fitter-07",
    "fitter-10",
    "body-school",
    "fitter-02",
    "fitter-05",
    "fitter-08",
    "fitter-11",
    "weld-suspended",
]


@pytest.fixture
def catalogue(make_user, make_textbook):
    """The index holding CATALOGUE only; two content matches updated two years ago."""
    chief = make_user()
    backend = DatabaseBackend()
    backend.clear()
    now = timezone.now()
    documents = []
    for slug, title, tier, status, subject, body in CATALOGUE:
        textbook = make_textbook(chief, title=title, slug=slug, tier=tier)
        updated = now - timedelta(days=730) if slug in ("fitter-00", "body-school") else now
        documents.append(
            CatalogueDocument(
                textbook_id=textbook.pk,
                title=title,
                slug=slug,
                url=f"/textbooks/{slug}/",
                isbn=textbook.isbn,
                tier=tier,
                co_developed=False,
                status=status,
                edition_version="1.0",
                edition_published_at=updated,
                updated_at=updated,
                title_text=index_text(title),
                subject_text=index_text(subject),
                body_text=index_text(body),
                facets={"tier": [(tier, TIERS[tier])], "status": [(status, status.label)]},
            )
        )
    backend.bulk_index(documents)
    return backend


def facet(results, key):
    return {o.value: o.count for o in next(f for f in results.facets if f.key == key).options}


def test_title_matches_come_first_then_subjects_then_content_by_tier_in_use_first(catalogue):
    results = service.search("焊接", per_page=100)
    assert slugs(results) == EXPECTED
    assert results.total == len(EXPECTED)


@pytest.mark.parametrize("per_page", [1, 2, 3, 5, 7])
def test_each_page_continues_the_last_without_gaps_or_repeats(catalogue, per_page):
    shown = []
    for page in range(1, -(-len(EXPECTED) // per_page) + 1):
        results = service.search("焊接", page=page, per_page=per_page)
        assert results.total == len(EXPECTED)
        shown += slugs(results)
    assert shown == EXPECTED


def test_a_query_of_several_words_pages_alike(catalogue):
    """Every word must match: ranked with the counting (PostgreSQL) or by bm25 (SQLite)."""
    both = [slug for slug in EXPECTED if slug.startswith(("body-", "fitter-"))]
    assert slugs(service.search("焊接 钳工", per_page=100)) == both
    pages = (service.search("焊接 钳工", page=page, per_page=5) for page in (1, 2, 3))
    assert [s for results in pages for s in slugs(results)] == both


def test_pages_of_the_browsed_catalogue_continue_each_other(catalogue):
    everything = slugs(service.search("", per_page=100))
    paged = [s for page in (1, 2, 3, 4) for s in slugs(service.search("", page=page, per_page=5))]
    assert paged == everything and len(everything) == len(CATALOGUE)


@pytest.mark.parametrize("refresh", [False, True], ids=["counted", "kept"])
def test_totals_and_counts_are_those_of_the_matches(catalogue, refresh):
    """Whether the counts are kept by the writer (a broad word, PostgreSQL; the whole
    catalogue) or counted from the matches, they are the matches' own."""
    if refresh:
        catalogue.refresh_terms(share=0.1)
    cutoff = recently_updated_cutoff()
    for query, found in (("焊接", EXPECTED), ("", [row[0] for row in CATALOGUE])):
        results = service.search(query, per_page=100)
        entries = CatalogueEntry.objects.filter(slug__in=found)
        assert results.total == len(found) == entries.count()
        assert facet(results, "status") == dict(Counter(entries.values_list("status", flat=True)))
        assert facet(results, "tier") == dict(Counter(entries.values_list("tier", flat=True)))
        recent = entries.filter(updated_at__gte=cutoff).count()
        assert facet(results, "recently_updated") == {"true": recent}
        for key in ("status", "tier", "recently_updated"):
            for value, count in facet(results, key).items():
                assert service.search(query, {key: [value]}).total == count, (query, value)


def counted_days(entries):
    return dict(
        Counter(timezone.localdate(at) for at in entries.values_list("updated_at", flat=True))
    )


def test_entries_per_day_follow_every_write(catalogue):
    def kept():
        return {d.day: d.entry_count for d in CatalogueDay.objects.all() if d.entry_count}

    assert kept() == counted_days(CatalogueEntry.objects.all())
    weld = CatalogueEntry.objects.get(slug="body-school")
    catalogue.remove(weld.textbook_id)
    assert kept() == counted_days(CatalogueEntry.objects.all())
    assert service.search("").total == len(CATALOGUE) - 1


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only (the tiers, kept word counts); runs in make test's PostgreSQL pass"
        )


def test_a_kept_words_days_follow_every_write(catalogue, postgres_only):
    catalogue.refresh_terms(share=0.5)  # 焊接: 18 of 19 entries

    def kept():
        rows = CatalogueTermDay.objects.filter(term__query="'焊接'", entry_count__gt=0)
        return {row.day: row.entry_count for row in rows}

    assert kept() == counted_days(CatalogueEntry.objects.filter(slug__in=EXPECTED))
    catalogue.remove(CatalogueEntry.objects.get(slug="fitter-00").textbook_id)
    left = [slug for slug in EXPECTED if slug != "fitter-00"]
    assert kept() == counted_days(CatalogueEntry.objects.filter(slug__in=left))
    results = service.search("焊接")
    assert results.total == len(left)
    assert facet(results, "recently_updated") == {"true": len(left) - 1}


def ranked_in_full(*words):
    """Every entry holding all ``words`` ranked in one ORDER BY: what the tiers must give."""
    q = "(" + " && ".join(["plainto_tsquery('simple', %s)"] * len(words)) + ")"
    any_word = f"replace({q}::text, '&', '|')::tsquery"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.slug FROM {ENTRY} e WHERE e.search_vector @@ {q} ORDER BY e.status_rank, "
            f"CASE WHEN e.rank_vector @@ {any_word} THEN ts_rank(%s::real[], e.rank_vector, {q}) "
            '* e.boost ELSE 0 END DESC, e.boost DESC, e.title COLLATE "C", e.id',
            [*words, *words, PG_WEIGHTS, *words],
        )
        return [slug for (slug,) in cursor.fetchall()]


@pytest.mark.parametrize(
    ("walk_rows", "budget"),
    [(0, 2000), (10**6, 2000), (10**6, 3)],
    ids=["sorted", "walked", "walked-then-sorted"],
)
def test_every_tier_gives_the_page_ranking_every_match_gives(
    catalogue, postgres_only, monkeypatch, walk_rows, budget
):
    """Pages of every size, whichever tier fills them and however the others are read."""
    monkeypatch.setattr(database, "WALK_ROWS", walk_rows)
    monkeypatch.setattr(database, "WALK_BUDGET", budget)
    assert ranked_in_full("焊接") == EXPECTED
    both = ranked_in_full("焊接", "钳工")
    assert slugs(service.search("焊接 钳工", per_page=100)) == both and len(both) == 14
    for per_page in (1, 2, 4, 6, 20):
        for page in (1, 2, 3):
            start = (page - 1) * per_page
            results = service.search("焊接", page=page, per_page=per_page)
            assert slugs(results) == EXPECTED[start : start + per_page], (per_page, page)
