"""The default backend: the CatalogueEntry table plus the database's own full-text index.

PostgreSQL: ``search_vector`` (tsvector, 'simple' configuration, GIN index) is computed from the
pre-segmented text in the row's own INSERT (expressions, no trigger): title tokens carry
weight A, major/course names B, content C. Matches are ranked with ts_rank on ``rank_vector``,
the title and subject words only (about 280 bytes instead of 1.3 kB at 20 leaves a textbook).

SQLite: an FTS5 table ``cms_catalogue_fts`` (rowid = entry id), ranked with bm25 and the same
column emphasis. FTS5 rather than a token table because it is compiled into the SQLite that
Python ships, ranks with bm25 and column weights out of the box, and stores a compressed
inverted index instead of one database row per (textbook, token) — the pre-segmented text goes
in as space-separated words, which its unicode61 tokenizer splits and case-folds.

Every write touches only the rows of the textbooks written: there is no index-wide rewrite.


A request (``DatabaseBackend.search``) counts, then reads its page. Counting: without filters,
the whole catalogue and the words in at least a tenth of it (CatalogueTerm, chosen daily) read
what the writer keeps in the same transaction as the entries (entries per facet value and per
day, the few suspended and retired ones by a partial index); browsing filtered on few-valued
facets only sums the counts the writer keeps per combination of their values (CatalogueCell,
``_cells``), and so does a word in most of the catalogue, less the entries it does not
match (CatalogueTermGap); any other search is one statement whose matches are computed once
into a materialised CTE, from which the total and every facet count are read. Facet values
are integer ids (CatalogueFacet) in ``facet_ids``: ``integer[]`` unnested on PostgreSQL, JSON
read with json_each on SQLite. The page is read in tiers on
PostgreSQL (``PostgresFullText.top``), so that a broad word does not rank every match; SQLite
(development-sized catalogues) ranks every match with bm25.
"""

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from functools import reduce
from itertools import combinations
from operator import or_
from typing import NamedTuple

from django.contrib.postgres.search import SearchVectorField
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from cms.search.documents import status_of
from cms.search.facets import (
    FACETS,
    RECENTLY_UPDATED,
    RECENTLY_UPDATED_LABEL,
    TRUE,
    clean_filters,
    recently_updated_cutoff,
    selected_labels,
)
from cms.search.models import (
    CELL_FACETS,
    STATUS_RANK,
    TIER_BOOST,
    CatalogueCell,
    CatalogueCube,
    CatalogueDay,
    CatalogueEntry,
    CatalogueFacet,
    CatalogueTerm,
    CatalogueTermDay,
    CatalogueTermFacet,
    CatalogueTermGap,
    Status,
)
from cms.search.results import (
    NEAREST,
    FacetOption,
    FacetResult,
    Hit,
    NearTitle,
    SearchResults,
)
from cms.search.segment import MIN_NEARNESS, near_pieces, parse_query
from workflow.models import TextbookLifecycle
from workflow.models.lifecycle import LifecycleState

ENTRY = CatalogueEntry._meta.db_table
FACET = CatalogueFacet._meta.db_table
TERM = CatalogueTerm._meta.db_table
TERM_FACET = CatalogueTermFacet._meta.db_table
TERM_DAY = CatalogueTermDay._meta.db_table
GAP = CatalogueTermGap._meta.db_table
DAY = CatalogueDay._meta.db_table
CELL = CatalogueCell._meta.db_table
# A word in at least this share of the catalogue gets its facet counts kept (CatalogueTerm):
# below it a search counts at most 2,000 matches of 100,000. At a tenth, words of about 5,000
# matches (数控, Python, 护理) spent 21–33 ms of their 40–65 counting (benchmarks/README.md);
# 252 of the generated catalogue's 263 words are then kept, against 164.
BROAD_TERM_SHARE = 0.02
# A kept word in more than this share of the catalogue keeps the entries it does not match
# (CatalogueTermGap): browsing it under filters subtracts those from the cells. They are read
# as its matches would be, so they pay while few: at 100,000 entries 编程 + level + form took
# 75 ms for 4,700 gaps (181 ms counted), G71 (75 %) with three filters 305 ms for 25,000
# gaps (375 ms counted).
GAPS_SHARE = 0.8
LOCK_NOT_AVAILABLE = "55P03"
# A query whose nearest titles need more character sets than this looks at every title
# (a bitmap per set: 24 single characters would make 276).
MAX_NEAR_SETS = 64
# The matches without a query word in title or subjects are read along their stored order
# when about this many rows at most fill the page (k × catalogue / matches), else sorted.
WALK_ROWS = 200
# Matches need not spread evenly along that order (a word only school-based textbooks have
# is found after every national and provincial one): a walk stops after this many rows.
WALK_BUDGET = 10 * WALK_ROWS


class IndexBusy(Exception):
    """Index writes held the catalogue entries longer than the caller would wait."""

    def __init__(self, seconds):
        super().__init__(f"index writes held the catalogue entries for more than {seconds} s")
        self.seconds = seconds


FTS_TABLE = "cms_catalogue_fts"
# ts_rank weights for {D, C, B, A}: a title word counts five times a major or course word.
# ts_rank saturates near 1, so at a lower ratio a textbook whose title is the query (数控车床
# 加工技术) scored within a few percent of one with a word of it in its title and the others
# in its majors, and the tier boost put the latter first.
PG_WEIGHTS = [0.05, 0.1, 0.2, 1.0]
# No match without a query word in its title scores this much (PostgreSQL): ts_rank's
# any-word formula gives words of weight B alone less than that weight (their positional
# sum over the weight stays under π²/6, its divisor), times the largest tier boost. A query
# whose words must all match is ranked by word distance instead, which has no such bound.
SUBJECT_BOUND = PG_WEIGHTS[2] * max(TIER_BOOST.values())
# bm25 column weights for (title_text, subject_text, body_text).
FTS5_WEIGHTS = "10.0, 4.0, 1.0"
# What a hit shows; the segmented texts and vectors stay in the database.
HIT_FIELDS = ["textbook_id", "title", "slug", "url", "isbn", "tier", "co_developed", "status",
              "status_note", "edition_version", "edition_published_at", "updated_at", "facet_ids"]  # fmt: skip
# Row kinds of the one search statement.
TOTAL, RECENT, PAGE, STATUSES, KEPT = -1, -2, -3, -4, -5
# The status facet is read from the entry's status_rank column, so that a lifecycle change
# (the daily sweep suspends thousands at once) is one set-based UPDATE of scalar columns.
STATUS = "status"
STATUS_OF_RANK = {rank: status for status, rank in STATUS_RANK.items()}


def id_facet_values(document):
    """The (facet, value, label) triples kept as ids in facet_ids: all but the status."""
    return [(f, v, label) for f, v, label in document.facet_values() if f != STATUS]


class Ranked(NamedTuple):
    """A match in result order: status, then relevance (0 without a query word in the title
    or subjects), then tier, then title in code-point order, then id: many textbooks share
    a title, and without the id the order of equal ones, so a page's rows, could change
    from one request to the next (``rank_key``)."""

    id: int
    status_rank: int
    score: float
    boost: float
    title: str


def rank_key(row):
    return (row.status_rank, -row.score, -row.boost, row.title, row.id)


class FacetValue(NamedTuple):
    id: int
    facet: str
    value: str
    label: str


@dataclass
class Sql:
    """A fragment of SQL and its parameters."""

    text: str
    params: list = field(default_factory=list)


def _weighted(weight):
    return f"setweight(to_tsvector('simple'::regconfig, COALESCE(%s, '')), '{weight}')"


RANK_VECTOR_SQL = f"{_weighted('A')} || {_weighted('B')}"
VECTOR = SearchVectorField()


class PostgresFullText:
    @staticmethod
    def vectors(document):
        """The entry's vectors as expressions of its texts, computed by the INSERT itself: an
        UPDATE after it left a dead row version per write, doubling the table (2,682 pages
        against 864 compacted at 10,000 entries) and the heap pages every search reads.
        Raw SQL, the same as SearchVector(Value(text), config="simple", weight=w) would
        write: Django compiled those expressions entry by entry (bulk_index of 1,000 generated
        entries took 24.6 s with them, 10.9 s without, at load average 7.5–8)."""
        title, subject, body = document.title_text, document.subject_text, document.body_text
        return {
            "rank_vector": RawSQL(RANK_VECTOR_SQL, [title, subject], VECTOR),
            "search_vector": RawSQL(
                f"{RANK_VECTOR_SQL} || {_weighted('C')}", [title, subject, body], VECTOR
            ),
        }

    def write(self, textbook_ids):
        """The vectors were written with the rows (``vectors``)."""

    def delete(self, entry_ids):
        """The vectors live in the entry row and go with it; its gaps are taken away."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {GAP} WHERE entry_id = ANY(%s)", [list(entry_ids)])

    @staticmethod
    def count_terms(entry_ids, sign, term_ids=None):
        """Add (sign +1) or take away (-1) the entries ``entry_ids`` (None: every entry) from
        the kept facet counts of each CatalogueTerm they match (``term_ids``: only those):
        one statement, whatever the number of words; rows in key order, so that concurrent
        writers lock them in one order."""
        conditions, params = ["1 = 1"], [sign]
        if entry_ids is not None:
            conditions.append("e.id = ANY(%s)")
            params.append(list(entry_ids))
        if term_ids is not None:
            conditions.append("t.id = ANY(%s)")
            params.append(list(term_ids))
        where = " AND ".join(conditions)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TERM_FACET} (term_id, facet_id, entry_count) "
                f"SELECT t.id, f.k, %s * count(*) FROM {TERM} t "
                f"JOIN {ENTRY} e ON e.search_vector @@ t.query::tsquery "
                "CROSS JOIN LATERAL unnest(e.facet_ids) AS f(k) "
                f"WHERE {where} GROUP BY t.id, f.k ORDER BY t.id, f.k "
                "ON CONFLICT (term_id, facet_id) DO UPDATE "
                f"SET entry_count = {TERM_FACET}.entry_count + EXCLUDED.entry_count",
                params,
            )
            # The word's matches per day: its total, and its recently-updated count.
            cursor.execute(
                f"INSERT INTO {TERM_DAY} (term_id, day, entry_count) "
                f"SELECT t.id, e.updated_day, %s * count(*) FROM {TERM} t "
                f"JOIN {ENTRY} e ON e.search_vector @@ t.query::tsquery "
                f"WHERE {where} GROUP BY t.id, e.updated_day ORDER BY t.id, e.updated_day "
                "ON CONFLICT (term_id, day) DO UPDATE "
                f"SET entry_count = {TERM_DAY}.entry_count + EXCLUDED.entry_count",
                params,
            )
            if sign > 0 and entry_ids is not None:
                # New entries that a word keeping its gaps does not match (``delete`` takes
                # an entry's away).
                cursor.execute(
                    f"INSERT INTO {GAP} (term_id, entry_id) SELECT t.id, e.id FROM {TERM} t "
                    f"JOIN {ENTRY} e ON NOT e.search_vector @@ t.query::tsquery "
                    f"WHERE t.gaps_kept AND {where} ORDER BY t.id, e.id",
                    params[1:],
                )

    def refresh_terms(self, share, lock_timeout=None):
        """Keep facet counts for the words found in at least ``share`` of the entries: drop
        the words that fell below, count the new ones (the others' counts are exact already,
        so a daily run counts little). Holds a SHARE lock on the entries meanwhile (searches
        go on, writers wait): a writer either committed before the words were counted or
        counts itself into them after. Waiting for writers in flight longer than
        ``lock_timeout`` seconds (None: as long as it takes) raises IndexBusy: writers
        queue behind a waiting lock, so publishing would stall meanwhile. Returns (words
        kept, new, dropped)."""
        with connection.cursor() as cursor:
            if lock_timeout is not None:
                timeout = f"{max(1, round(lock_timeout * 1000))}ms"
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
            try:
                cursor.execute(f"LOCK TABLE {ENTRY} IN SHARE MODE")
            except OperationalError as error:
                if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                    raise IndexBusy(lock_timeout) from error
                raise
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
            cursor.execute(
                f"SELECT w.word FROM ts_stat('SELECT search_vector FROM {ENTRY}') AS w "
                f"WHERE w.ndoc >= GREATEST(1, ceil(%s * (SELECT count(*) FROM {ENTRY})))",
                [share],
            )
            # Kept under the query a search for the word runs: 计算机 also finds 计算 … 算机
            # (its parts), so its counts are those of that query. A word that reads as
            # several (jieba splits it) is no one-word query and is left out.
            queries = [
                self._tsquery(parsed, any_term=False)
                for parsed in map(parse_query, (word for (word,) in cursor.fetchall()))
                if self.kept_term(parsed) is not None
            ]
            broad = set()
            if queries:
                cursor.execute(
                    "SELECT v.q FROM (VALUES "
                    + ", ".join(f"(({q.text})::text)" for q in queries)
                    + ") AS v(q)",
                    [x for q in queries for x in q.params],
                )
                broad = {query for (query,) in cursor.fetchall()}
            kept = dict(CatalogueTerm.objects.values_list("query", "pk"))
            dropped = [pk for query, pk in kept.items() if query not in broad]
            for table in (TERM_FACET, TERM_DAY, GAP):
                cursor.execute(f"DELETE FROM {table} WHERE term_id = ANY(%s)", [dropped])
            cursor.execute(f"DELETE FROM {TERM} WHERE id = ANY(%s)", [dropped])
        new = CatalogueTerm.objects.bulk_create(
            [CatalogueTerm(query=query) for query in sorted(broad - set(kept))]
        )
        self.count_terms(None, +1, term_ids=[term.pk for term in new])
        self._keep_gaps()
        return len(broad), len(new), len(dropped)

    def _keep_gaps(self):
        """Keep the gaps of the words now in more than GAPS_SHARE of the catalogue, and stop
        keeping them for the others (their totals are the kept counts per day). A word's gaps
        are the entries less its matches, whose ids the GIN index's bitmap gives without
        reading a vector (a sequential scan would test all of them)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.id, t.query, t.gaps_kept, COALESCE(sum(d.entry_count), 0) > "
                f"%s * (SELECT count(*) FROM {ENTRY}) FROM {TERM} t "
                f"LEFT JOIN {TERM_DAY} d ON d.term_id = t.id GROUP BY t.id ORDER BY t.id",
                [GAPS_SHARE],
            )
            terms = cursor.fetchall()
            stopped = [pk for pk, _query, kept, wide in terms if kept and not wide]
            cursor.execute(f"DELETE FROM {GAP} WHERE term_id = ANY(%s)", [stopped])
            started = [(pk, query) for pk, query, kept, wide in terms if wide and not kept]
            with self.without(cursor, "seqscan"):
                for pk, query in started:
                    cursor.execute(
                        f"INSERT INTO {GAP} (term_id, entry_id) SELECT %s, g.id FROM "
                        f"(SELECT x.id FROM {ENTRY} x EXCEPT SELECT e.id FROM {ENTRY} e "
                        "WHERE e.search_vector @@ %s::tsquery) AS g ORDER BY g.id",
                        [pk, query],
                    )
            wide = [pk for pk, _query, _kept, is_wide in terms if is_wide]
            cursor.execute(f"UPDATE {TERM} SET gaps_kept = (id = ANY(%s))", [wide])

    @classmethod
    def gapped_term(cls, cursor, parsed, any_term):
        """(id of a CatalogueTerm keeping its gaps, condition on gap entries e) when every
        entry but some of that word's gaps matches the query, else None: a one-word query
        (none of its gaps match), or any of several words (the gaps that match none of them
        do not; of the words keeping their gaps, the one with fewest)."""
        if len(parsed.terms) > 1 and not any_term:
            return None
        kept = [cls.kept_term(replace(parsed, terms=(term,))) for term in parsed.terms]
        if None in kept:
            return None
        words = " UNION ALL ".join(f"SELECT {i} AS i, ({k.text}) AS id" for i, k in enumerate(kept))
        cursor.execute(
            f"SELECT k.i, t.id FROM ({words}) AS k JOIN {TERM} t ON t.id = k.id "
            f"WHERE t.gaps_kept ORDER BY (SELECT count(*) FROM {GAP} g WHERE g.term_id = t.id), "
            "t.id LIMIT 1",
            [x for k in kept for x in k.params],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        position, term = row
        if len(parsed.terms) == 1:
            return term, Sql("1 = 1")
        # The word's gaps match none of it; those matching another word are found by their
        # ids from the GIN index, not by reading each gap's 1.3 kB vector (数控机床编程 at
        # 100,000 entries: 4,672 gaps tested one by one, 80 ms).
        others = replace(parsed, terms=parsed.terms[:position] + parsed.terms[position + 1 :])
        words = cls._tsquery(others, any_term=True)
        return term, Sql(
            f"e.id NOT IN (SELECT o.id FROM {ENTRY} o WHERE o.search_vector @@ {words.text})",
            words.params,
        )

    @classmethod
    def kept_term(cls, parsed):
        """SELECT of the CatalogueTerm whose kept counts are the facet counts of this query's
        matches (none, or one row): a query of one word, looked up by its tsquery text."""
        if len(parsed.terms) != 1 or parsed.isbns:
            return None
        query = cls._tsquery(parsed, any_term=False)
        return Sql(f"SELECT t.id FROM {TERM} t WHERE t.query = ({query.text})::text", query.params)

    @staticmethod
    def _tsquery(parsed, any_term):
        def word(text):
            return Sql("plainto_tsquery('simple', %s)", [text])

        def both(parts):
            words = [word(p) for p in parts]
            return Sql(
                "(" + " && ".join(w.text for w in words) + ")", [x for w in words for x in w.params]
            )

        terms = []
        for t in parsed.terms:
            if t.parts:
                whole, parts = word(t.word), both(t.parts)
                terms.append(Sql(f"({whole.text} || {parts.text})", whole.params + parts.params))
            else:
                terms.append(word(t.word))
        joiner = " || " if any_term else " && "
        return Sql(
            "(" + joiner.join(t.text for t in terms) + ")", [x for t in terms for x in t.params]
        )

    # Ties are broken by title in code-point order: the database's locale collation made the
    # top-20 sort of 9,648 matches take 40 ms instead of 4.
    binary = ' COLLATE "C"'
    # The planner's row estimate (kept by ANALYZE and autovacuum): enough to choose how to
    # count, and free, where count(*) of the table cost 8 ms. Either way counts are exact.
    catalogue_size = f"(SELECT reltuples FROM pg_class WHERE oid = '{ENTRY}'::regclass)"

    def prepare(self, cursor):
        """Use the GIN index whatever share of the catalogue matches.

        The planner prices a sequential scan by pages and rows and not by the cost of testing
        each 1.3 kB vector, so for broad words (编程 matches 96% of the generated catalogue) it
        scans every row (71 ms) where the bitmap index scan, which never reads a vector, takes
        5–15 ms (EXPLAIN ANALYZE in benchmarks/README.md). Local to the search transaction,
        which is rolled back.
        """
        cursor.execute("SET LOCAL enable_seqscan = off")

    @staticmethod
    @contextmanager
    def without(cursor, plan):
        """The planner's ``plan`` (e.g. "indexscan": enable_indexscan) off for the statements
        run inside, as it was after. The planner does not price reading a 1.3 kB vector from
        TOAST: a broad word's suspended and retired matches are found from the GIN index of
        the inactive entries' words and read in one bitmap pass without index scans (编程 at
        100,000 entries: 7,109 rows, 17 ms), where it walked the inactive entries' b-tree
        and read every one's vector (124 ms)."""
        setting = f"enable_{plan}"
        cursor.execute(
            "SELECT current_setting(%s), set_config(%s, 'off', true)", [setting, setting]
        )
        before = cursor.fetchone()[0]
        try:
            yield
        finally:
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, before])

    def matching(self, parsed, any_term, ranked=False):
        """SELECT of the matching entries' (id, facet_ids, updated_at, status_rank), for
        counting: words matched through the GIN index. ``ranked`` adds (title, boost, score)
        for ranking them all in the counting statement, scored as ``top`` scores them."""
        q = self._tsquery(parsed, any_term)
        if not ranked:
            return Sql(
                "SELECT e.id, e.facet_ids, e.updated_at, e.status_rank "
                f"FROM {ENTRY} e WHERE e.search_vector @@ {q.text}",
                q.params,
            )
        words = self._words(q)
        return Sql(
            "SELECT e.id, e.facet_ids, e.updated_at, e.status_rank, e.title, e.boost, "
            f"CASE WHEN e.rank_vector @@ {words.text} THEN ts_rank(%s::real[], e.rank_vector, "
            f"{q.text}) * e.boost ELSE 0.0 END AS score "
            f"FROM {ENTRY} e WHERE e.search_vector @@ {q.text}",
            [*words.params, PG_WEIGHTS, *q.params, *q.params],
        )

    @staticmethod
    def ranks_every_match(parsed, any_term):
        """Whether every word must match: the ranked tiers would then rank nearly all the
        matches (ts_rank's word-distance formula has no bound), which the counting
        statement reads anyway, so they are ranked there (``matching(ranked=True)``)."""
        return len(parsed.terms) > 1 and not any_term

    @staticmethod
    def _words(q):
        """Any of the query's words: the matches that ts_rank scores above 0."""
        return Sql(f"replace(({q.text})::text, '&', '|')::tsquery", q.params)

    def top(self, cursor, parsed, any_term, where, k, total):
        """The first ``k`` of the ``total`` matches in result order (``rank_key``), in tiers
        whose cost follows the rows they rank, not the matches (benchmarks/README.md):

        1. the matches with a query word in their title, ranked with ts_rank (GIN index on
           the title's words); skipped when every word must match (step 2 is then the
           narrower read);
        2. unless those fill the page with scores no other match reaches (SUBJECT_BOUND):
           the matches with a query word in title or subjects (GIN index on rank_vector);
        3. unless the page is full of in-use ranked matches: the others, whose relevance is
           0, in their stored order (status, tier, title, id; an index): read along it when
           matches are dense, else sorted from the GIN index's bitmap.

        ``where`` (on alias e) holds the filters. The page is the first k of the tiers'
        union: exactly what ranking every match gives. Ranking a tier still costs its rows:
        a word in a tenth of the titles (编程) ranks a tenth of the catalogue."""
        q = self._tsquery(parsed, any_term)
        words = self._words(q)
        score = Sql(
            f"ts_rank(%s::real[], e.rank_vector, {q.text}) * e.boost", [PG_WEIGHTS, *q.params]
        )
        ranked = "score DESC, e.boost DESC"

        def tier(condition, score=score, order=ranked, match="e.search_vector @@ {}"):
            return Sql(
                f"SELECT e.id, e.status_rank, {score.text} AS score, e.boost, e.title "
                f"FROM {ENTRY} e WHERE {match.replace('{}', q.text)} AND {condition.text} "
                f"AND {where.text} ORDER BY e.status_rank, {order}, e.title{self.binary}, e.id "
                "LIMIT %s",
                [*score.params, *(q.params * match.count("{}")), *condition.params,
                 *where.params, k],
            )  # fmt: skip

        def read(sql):
            cursor.execute(sql.text, sql.params)
            return [Ranked(*row) for row in cursor.fetchall()]

        def full(rows, bound):
            """Whether ``rows`` fill the page with in-use matches scoring above ``bound``."""
            return len(rows) == k and rows[-1].status_rank == 0 and rows[-1].score > bound

        # Whether any word must come with another (then an entry holding one of the words in
        # its title may not match), whether every word must match (ts_rank then gives a
        # vector holding none of them 1e-20 instead of 0, and SUBJECT_BOUND does not hold),
        # and the catalogue's size.
        cursor.execute(
            f"SELECT strpos(({q.text})::text, '&') > 0, ts_rank(%s::real[], "
            f"array_to_tsvector(ARRAY[chr(1)]), {q.text}) > 0, {self.catalogue_size}",
            [*q.params, PG_WEIGHTS, *q.params],
        )
        paired, every, size = cursor.fetchone()
        in_subjects = Sql(f"e.rank_vector @@ {words.text}", words.params)
        if every:
            # Matching every word is the narrower test: read from its bitmap, and keep
            # those with a word in title or subjects (their own vector, in the row).
            best = read(tier(Sql(f"({in_subjects.text}) IS TRUE", in_subjects.params)))
        else:
            # A word in the title (or subjects) is a match unless words come in pairs: the
            # 1.3 kB search vector, kept out of the row, is then not read at all. With pairs,
            # it is read only for rows whose title and subjects (rank_vector, in the row, a
            # part of it) do not match already: 数控机床编程 relaxed to any word tested
            # 14,489 title matches' vectors, 175 ms at 100,000 entries.
            match = "(e.rank_vector @@ {} OR e.search_vector @@ {})" if paired else "1 = 1"
            in_title = Sql(f"to_tsvector('simple', e.title_text) @@ {words.text}", words.params)
            best = read(tier(in_title, match=match))
            if not full(best, SUBJECT_BOUND):
                best = read(tier(in_subjects, match=match))
        if full(best, 0.0):
            return best
        # The others score 0: read along their stored order when matches are dense (about k
        # × size / total rows, at most WALK_BUDGET), else, or when that was not enough,
        # sorted from the GIN index's bitmap.
        others = Sql(f"NOT e.rank_vector @@ {words.text}", words.params)
        order = f"e.status_rank, e.boost DESC, e.title{self.binary}, e.id"
        rest = []
        if k * size <= total * WALK_ROWS:
            walked = Sql(
                f"SELECT e.id, e.status_rank, 0.0, e.boost, e.title FROM (SELECT * FROM {ENTRY} e "
                f"WHERE {where.text} ORDER BY {order} LIMIT %s) e WHERE e.search_vector @@ "
                f"{q.text} AND {others.text} ORDER BY {order} LIMIT %s",
                [*where.params, WALK_BUDGET, *q.params, *others.params, k],
            )
            rest = read(walked)
        if len(rest) < k:
            # Sorted, not walked: the planner would walk the order for dense matches. The
            # setting ends with the search transaction, which reads nothing after this.
            cursor.execute("SET LOCAL enable_indexscan = off")
            rest = read(tier(others, Sql("0.0"), "e.boost DESC"))
        return sorted(best + rest, key=rank_key)[:k]

    @staticmethod
    def facet_counts(source, alias, conditions):
        """(k: facet id, n0, n1, …: counts) over the rows of ``source``: n<i> counts the rows
        that satisfy conditions[i]. Each array is unnested once for every scope, instead of
        once per scope. The set-returning unnest in the select list runs about a third faster
        than a lateral join."""
        wanted = " OR ".join(f"({c})" for c in conditions)
        if len(conditions) == 1:
            # The WHERE is the whole condition; a flag would test it again per array element
            # (for the entries left out: an id looked up in an array of thousands, 26,000
            # times, 270 ms).
            return (
                f"SELECT u.k AS k, count(*) AS n0 FROM (SELECT unnest({alias}.facet_ids) AS k "
                f"FROM {source} WHERE {wanted}) AS u GROUP BY u.k"
            )
        flags = ", ".join(f"({c}) AS c{i}" for i, c in enumerate(conditions))
        counts = ", ".join(
            f"count(*) FILTER (WHERE u.c{i}) AS n{i}" for i in range(len(conditions))
        )
        return (
            f"SELECT u.k AS k, {counts} FROM (SELECT unnest({alias}.facet_ids) AS k, {flags} "
            f"FROM {source} WHERE {wanted}) AS u GROUP BY u.k"
        )

    @staticmethod
    def any_of(column, ids_sql):
        return f"{column} && ARRAY({ids_sql})"

    @staticmethod
    def each_id(alias):
        """(join, column): one row per id of ``alias``.facet_ids."""
        return f"CROSS JOIN LATERAL unnest({alias}.facet_ids) AS u(k)", "u.k"

    @staticmethod
    def each_count(alias):
        """(join, id, count): one row per element of ``alias``.facet_ids and .facet_counts."""
        return (
            f"CROSS JOIN LATERAL unnest({alias}.facet_ids, {alias}.facet_counts) AS u(k, n)",
            "u.k",
            "u.n",
        )

    @staticmethod
    def left_out(alias):
        """Entries ``alias`` that ``m`` does not hold. The ids left out are found by an
        index-only scan of the primary key (an anti-join with m), then only those rows are
        read: joining the whole table read every row's heap tuple for a few hundred results
        (编程: 362 of 10,014; 15 ms → 2 ms, benchmarks/README.md). The ARRAY keeps the planner
        from estimating half the table and hashing every row instead."""
        ids = f"SELECT x.id FROM {ENTRY} x WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.id = x.id)"
        return f"{alias}.id = ANY(ARRAY({ids}))"

    @staticmethod
    def near_candidates(pieces):
        """A condition every title near enough to ``pieces`` satisfies, served by the GIN
        index of the titles' characters (migration 0015): it holds all the characters of a
        piece worth MIN_NEARNESS alone, or two of the single characters. None when there
        are too many such sets to look up (then every title is tested, as on SQLite)."""
        wanted = {frozenset(piece) for piece, weight in pieces if weight >= MIN_NEARNESS}
        singles = [piece for piece, weight in pieces if weight < MIN_NEARNESS]
        wanted |= {frozenset(pair) for pair in combinations(singles, 2)}
        if not wanted or len(wanted) > MAX_NEAR_SETS:
            return None
        sets = [sorted(characters) for characters in sorted(wanted, key=sorted)]
        holds = "string_to_array(lower(title), NULL) @> ARRAY[{}]::text[]"
        return RawSQL(
            " OR ".join(holds.format(", ".join(["%s"] * len(c))) for c in sets),
            [c for characters in sets for c in characters],
            output_field=BooleanField(),
        )


class SqliteFullText:
    @staticmethod
    def near_candidates(pieces):
        return None

    @staticmethod
    def vectors(document):
        """FTS5 keeps its own table (``write``); the entry row has no vectors."""
        return {}

    def write(self, textbook_ids):
        entries = CatalogueEntry.objects.filter(textbook_id__in=textbook_ids).values_list(
            "pk", "title_text", "subject_text", "body_text"
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title_text, subject_text, body_text) "
                "VALUES (%s, %s, %s, %s)",
                list(entries),
            )

    def delete(self, entry_ids):
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in entry_ids]
            )

    # SQLite serves development-sized catalogues: every word's facets are counted directly.
    @staticmethod
    def count_terms(entry_ids, sign, term_ids=None):
        """No kept counts to follow (``refresh_terms``)."""

    def refresh_terms(self, share, lock_timeout=None):
        """Keeps no word's counts."""
        return 0, 0, 0

    @staticmethod
    def kept_term(parsed):
        return None

    @staticmethod
    def _expression(parsed, any_term):
        def word(text):
            return '"' + text.replace('"', '""') + '"'

        terms = [
            f"({word(t.word)} OR ({' AND '.join(map(word, t.parts))}))" if t.parts else word(t.word)
            for t in parsed.terms
        ]
        return (" OR " if any_term else " AND ").join(terms)

    binary = ""  # SQLite compares text by code point already

    @staticmethod
    @contextmanager
    def without(cursor, plan):
        """FTS5 answers MATCH from its own index whatever the plan."""
        yield

    @staticmethod
    def gapped_term(cursor, parsed, any_term):
        """No word's gaps are kept (``refresh_terms``)."""
        return None

    catalogue_size = f"(SELECT count(*) FROM {ENTRY})"

    def prepare(self, cursor):
        """FTS5 always answers MATCH from its own index."""

    def matching(self, parsed, any_term, ranked=False):
        """Never ``ranked``: see ``ranks_every_match``."""
        return Sql(
            "SELECT e.id, e.facet_ids, e.updated_at, e.status_rank "
            f"FROM {ENTRY} e JOIN (SELECT rowid AS rid FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s) f ON f.rid = e.id",
            [self._expression(parsed, any_term)],
        )

    @staticmethod
    def ranks_every_match(parsed, any_term):
        return False

    def top(self, cursor, parsed, any_term, where, k, total):
        """The first ``k`` matches in result order (``rank_key``), ranked with bm25 times
        the tier boost: development-sized catalogues, every match ranked."""
        cursor.execute(
            "SELECT e.id, e.status_rank, f.score * e.boost AS score, e.boost, e.title "
            f"FROM {ENTRY} e JOIN (SELECT rowid AS rid, -bm25({FTS_TABLE}, {FTS5_WEIGHTS}) "
            f"AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) f ON f.rid = e.id "
            f"WHERE {where.text} ORDER BY e.status_rank, score DESC, e.boost DESC, e.title, e.id "
            "LIMIT %s",
            [self._expression(parsed, any_term), *where.params, k],
        )
        return [Ranked(*row) for row in cursor.fetchall()]

    @staticmethod
    def facet_counts(source, alias, conditions):
        wanted = " OR ".join(f"({c})" for c in conditions)
        if len(conditions) == 1:
            counts = "count(*) AS n0"
        else:
            counts = ", ".join(
                f"count(*) FILTER (WHERE {c}) AS n{i}" for i, c in enumerate(conditions)
            )
        return (
            f"SELECT j.value AS k, {counts} FROM {source}, json_each({alias}.facet_ids) AS j "
            f"WHERE {wanted} GROUP BY j.value"
        )

    @staticmethod
    def any_of(column, ids_sql):
        return f"EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value IN ({ids_sql}))"

    @staticmethod
    def each_id(alias):
        return f"CROSS JOIN json_each({alias}.facet_ids) AS u", "u.value"

    @staticmethod
    def each_count(alias):
        return (
            f"CROSS JOIN json_each({alias}.facet_ids) AS u "
            f"JOIN json_each({alias}.facet_counts) AS v ON v.key = u.key",
            "u.value",
            "v.value",
        )

    @staticmethod
    def left_out(alias):
        return f"NOT EXISTS (SELECT 1 FROM m WHERE m.id = {alias}.id)"


def _count_entries(facet_ids, sign):
    """Add (sign +1) or take away (-1) one entry per occurrence in ``facet_ids`` from the
    catalogue-wide counts: one UPDATE per distinct multiplicity, in the writer's transaction."""
    by_count = {}
    for facet_id, n in Counter(facet_ids).items():
        by_count.setdefault(n, []).append(facet_id)
    for n, ids in by_count.items():
        CatalogueFacet.objects.filter(pk__in=ids).update(entry_count=F("entry_count") + sign * n)


def _count_days(days, sign):
    """Add (sign +1) or take away (-1) one entry per occurrence in ``days`` from the
    catalogue's entries per day (CatalogueDay): one upsert, days in order so that concurrent
    writers lock the rows in one order."""
    counts = sorted(Counter(days).items())
    if not counts:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DAY} (day, entry_count) VALUES "
            + ", ".join(["(%s, %s)"] * len(counts))
            + f" ON CONFLICT (day) DO UPDATE SET entry_count = {DAY}.entry_count + "
            "EXCLUDED.entry_count",
            [x for day, n in counts for x in (connection.ops.adapt_datefield_value(day), sign * n)],
        )


def _cell_anchor(lock=False):
    """CatalogueCube.recent_since: the first day the cells count as recently updated,
    created as the current cutoff's day when there is none."""
    cube, _created = CatalogueCube.objects.get_or_create(
        pk=1, defaults={"recent_since": timezone.localdate(recently_updated_cutoff())}
    )
    if lock:
        cube = CatalogueCube.objects.select_for_update().get(pk=1)
    return cube


def _count_cells(entries, sign, anchor=None):
    """Add (sign +1) or take away (-1) ``entries`` [(facet_ids, updated_day, status_rank)]
    from their cells (CatalogueCell), the recent side told by ``anchor`` (default: the
    cube's). The cells are locked in one order (upserted by key, then read by id), so that
    concurrent writers wait for each other instead of deadlocking."""
    if not entries:
        return
    anchor = anchor or _cell_anchor().recent_since
    ids = {i for facet_ids, _day, _rank in entries for i in facet_ids}
    in_cells = set(
        CatalogueFacet.objects.filter(pk__in=ids, facet__in=CELL_FACETS).values_list(
            "pk", flat=True
        )
    )
    changes = {}
    for facet_ids, day, rank in entries:
        key = (tuple(sorted(i for i in facet_ids if i in in_cells)), rank, day >= anchor)
        counts = changes.setdefault(key, Counter())
        counts.update({facet_id: sign for facet_id in (0, *facet_ids)})
    keys = sorted(changes)
    # Their ids, created when new (a no-op update otherwise: it returns the id).
    created = CatalogueCell.objects.bulk_create(
        [CatalogueCell(cell_ids=list(c), status_rank=rank, recent=r) for c, rank, r in keys],
        update_conflicts=True,
        unique_fields=["cell_ids", "status_rank", "recent"],
        update_fields=["recent"],
    )
    cells = CatalogueCell.objects.select_for_update().filter(pk__in=[c.pk for c in created])
    cells = list(cells.order_by("pk"))
    for cell in cells:
        counts = Counter(dict(zip(cell.facet_ids, cell.facet_counts, strict=True)))
        counts[0] = cell.entry_count
        counts.update(changes[tuple(cell.cell_ids), cell.status_rank, cell.recent])
        cell.entry_count = counts.pop(0)
        kept = sorted((i, n) for i, n in counts.items() if n)
        cell.facet_ids = [i for i, _n in kept]
        cell.facet_counts = [n for _i, n in kept]
    CatalogueCell.objects.bulk_update(cells, ["entry_count", "facet_ids", "facet_counts"])


def _derived_status():
    """{column: ({lifecycle state: value}, value without a lifecycle)}: an entry's status
    columns by the mapping the documents use (cms.search.documents.status_of)."""
    derived = {state: status_of(state) for state in LifecycleState.values}
    return {
        "status": ({s: status for s, (status, _note) in derived.items()}, Status.IN_USE),
        "status_rank": ({s: STATUS_RANK[status] for s, (status, _n) in derived.items()}, 0),
        "status_note": ({s: note for s, (_status, note) in derived.items()}, ""),
    }


def _status_case(column, state_lookup):
    """``column``'s value derived from the lifecycle state found at ``state_lookup``."""
    values, default = _derived_status()[column]
    return Case(
        *(When(**{state_lookup: s}, then=Value(v)) for s, v in values.items()),
        default=Value(default),
        output_field=CatalogueEntry._meta.get_field(column),
    )


def status_from_lifecycle():
    """{column: expression} deriving an entry's status columns from its textbook's lifecycle
    state in SQL, for an UPDATE (a subquery per row: an UPDATE joins nothing)."""
    state = TextbookLifecycle.objects.filter(textbook=OuterRef("textbook_id"))
    expressions = {}
    for column, (_values, default) in _derived_status().items():
        field = CatalogueEntry._meta.get_field(column)
        case = _status_case(column, "state")
        value = Subquery(state.annotate(value=case).values("value")[:1], output_field=field)
        expressions[column] = Coalesce(value, Value(default), output_field=field)
    return expressions


def full_text():
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFullText()


def _datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


class DatabaseBackend:
    name = "database"

    # -- writing ---------------------------------------------------------------------------

    def index(self, document):
        """Replace the entry of one textbook."""
        with transaction.atomic():
            self.remove(document.textbook_id)
            self.bulk_index([document])

    @staticmethod
    def _facet_ids(documents):
        """{(facet, value): id} for every facet value of ``documents``, labels brought up to
        date (a renamed major shows its new name everywhere)."""
        labels = {(f, v): label for d in documents for f, v, label in id_facet_values(d)}
        if not labels:
            return {}
        CatalogueFacet.objects.bulk_create(
            [CatalogueFacet(facet=f, value=v, label=label) for (f, v), label in labels.items()],
            update_conflicts=True,
            unique_fields=["facet", "value"],
            update_fields=["label"],
        )
        rows = CatalogueFacet.objects.filter(
            facet__in={f for f, _v in labels}, value__in={v for _f, v in labels}
        ).values_list("facet", "value", "pk")
        return {(f, v): pk for f, v, pk in rows}

    def bulk_index(self, documents):
        """Insert entries for textbooks that have none (rebuild, benchmark loading)."""
        if not documents:
            return
        engine = full_text()
        with transaction.atomic():
            ids_of = self._facet_ids(documents)
            created = CatalogueEntry.objects.bulk_create(
                [
                    CatalogueEntry(
                        textbook_id=d.textbook_id,
                        title=d.title,
                        slug=d.slug,
                        url=d.url,
                        isbn=d.isbn,
                        tier=d.tier,
                        co_developed=d.co_developed,
                        status=d.status,
                        status_rank=STATUS_RANK[d.status],
                        status_note=d.status_note,
                        edition_version=d.edition_version,
                        edition_published_at=d.edition_published_at,
                        updated_at=d.updated_at,
                        updated_day=timezone.localdate(d.updated_at),
                        boost=TIER_BOOST.get(d.tier, 1.0),
                        title_text=d.title_text,
                        subject_text=d.subject_text,
                        body_text=d.body_text,
                        facet_ids=sorted(ids_of[f, v] for f, v, _label in id_facet_values(d)),
                        **engine.vectors(d),
                    )
                    for d in documents
                ]
            )
            engine.write([d.textbook_id for d in documents])
            engine.count_terms([entry.pk for entry in created], +1)
            _count_entries(
                [ids_of[f, v] for d in documents for f, v, _label in id_facet_values(d)], +1
            )
            _count_days([entry.updated_day for entry in created], +1)
            _count_cells([(e.facet_ids, e.updated_day, e.status_rank) for e in created], +1)

    @staticmethod
    def stale_statuses(textbook_ids):
        """The entries of ``textbook_ids`` whose status disagrees with their textbook's
        lifecycle state. Through a join, not a subquery per entry (0.8 s of subqueries over
        the whole catalogue at 100,000 entries); of the textbooks the sweep moved only, not of
        the whole catalogue (0.3–0.4 s a day at 100,000 entries for a hundred moved)."""
        state = "textbook__lifecycle__state"
        entries = CatalogueEntry.objects.filter(textbook_id__in=textbook_ids)
        return entries.annotate(
            derived_status=_status_case("status", state),
            derived_note=_status_case("status_note", state),
        ).exclude(status=F("derived_status"), status_note=F("derived_note"))

    def sync_status(self, textbook_ids):
        """Bring the entries of ``textbook_ids`` in line with their textbooks' lifecycles: one
        set-based UPDATE of those that disagree, whatever their number (a catch-up sweep moves
        thousands at once), and their cells moved to the new status (rows locked meanwhile, so
        that no writer replaces them in between). Returns the number of entries changed."""
        with transaction.atomic():
            stale = list(
                self.stale_statuses(textbook_ids)
                .select_for_update(of=("self",))
                .values_list("pk", "facet_ids", "updated_day", "status_rank")
            )
            ids = [pk for pk, *_rest in stale]
            changed = CatalogueEntry.objects.filter(pk__in=ids).update(**status_from_lifecycle())
            now = dict(CatalogueEntry.objects.filter(pk__in=ids).values_list("pk", "status_rank"))
            moved = [(pk, f, day, rank) for pk, f, day, rank in stale if now[pk] != rank]
            _count_cells([(f, day, rank) for _pk, f, day, rank in moved], -1)
            _count_cells([(f, day, now[pk]) for pk, f, day, _rank in moved], +1)
            return changed

    def remove(self, textbook_id):
        with transaction.atomic():
            rows = list(
                CatalogueEntry.objects.filter(textbook_id=textbook_id).values_list(
                    "pk", "facet_ids", "updated_day", "status_rank"
                )
            )
            if rows:
                ids = [pk for pk, *_rest in rows]
                engine = full_text()
                engine.count_terms(ids, -1)
                engine.delete(ids)
                CatalogueEntry.objects.filter(pk__in=ids).delete()
                _count_entries([i for _pk, facet_ids, *_rest in rows for i in facet_ids], -1)
                _count_days([day for _pk, _facet_ids, day, _rank in rows], -1)
                _count_cells([row[1:] for row in rows], -1)

    def clear(self):
        with transaction.atomic():
            if connection.vendor != "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {FTS_TABLE}")
            CatalogueTerm.objects.all().delete()
            CatalogueEntry.objects.all().delete()
            CatalogueFacet.objects.all().delete()
            CatalogueDay.objects.all().delete()
            CatalogueCell.objects.all().delete()

    def refresh_terms(self, share=BROAD_TERM_SHARE, lock_timeout=None):
        """Choose anew the words whose facet counts are kept (CatalogueTerm): daily from
        cron and after a rebuild, as the catalogue's vocabulary drifts. Returns (words kept,
        new, dropped); raises IndexBusy, having changed nothing, when index writes held
        the entries for more than ``lock_timeout`` seconds."""
        with transaction.atomic():
            chosen = full_text().refresh_terms(share, lock_timeout)
            self._move_cells()
            return chosen

    @staticmethod
    def _move_cells():
        """Move the cells' recent side to the current cutoff: the entries of the days between
        the two change sides (a day's updates, daily). On PostgreSQL the entries are held by
        refresh_terms' SHARE lock meanwhile, so no writer counts with the old day."""
        cube = _cell_anchor(lock=True)
        old, new = cube.recent_since, timezone.localdate(recently_updated_cutoff())
        if old == new:
            return
        low, high = sorted((old, new))
        moved = list(
            CatalogueEntry.objects.filter(updated_day__gte=low, updated_day__lt=high).values_list(
                "facet_ids", "updated_day", "status_rank"
            )
        )
        _count_cells(moved, -1, anchor=old)
        _count_cells(moved, +1, anchor=new)
        cube.recent_since = new
        cube.save(update_fields=["recent_since"])

    def count(self):
        return CatalogueEntry.objects.count()

    # -- searching -------------------------------------------------------------------------

    def search(self, query="", filters=None, page=1, per_page=20):
        parsed = parse_query(query)
        filters = clean_filters(filters)
        engine = full_text()
        cutoff = recently_updated_cutoff()
        offset = (page - 1) * per_page
        with transaction.atomic(), connection.cursor() as cursor:
            if parsed.terms:
                engine.prepare(cursor)
            relaxed = False
            k = offset + per_page
            rows = self._counts(cursor, engine, parsed, filters, cutoff, False, k)
            if rows[TOTAL] == 0 and len(parsed.terms) > 1:
                some = self._counts(cursor, engine, parsed, filters, cutoff, True, k)
                if some[TOTAL]:  # else nothing matched at all, and the page says just that
                    relaxed, rows = True, some
            # (id, score) in result order: ranked by the counting statement, or read now.
            ranked = rows.get(PAGE, [])
            if PAGE not in rows and offset < rows[TOTAL]:
                where = self._where(engine, filters, cutoff, parsed.isbns)
                if parsed.terms:
                    top = engine.top(cursor, parsed, relaxed, where, k, rows[TOTAL])
                else:
                    top = self._newest(cursor, engine, where, k)
                ranked = [(row.id, row.score) for row in top]
            # Read-only: rolling back ends the planner settings with it, even inside an outer
            # transaction (a released savepoint would keep a SET LOCAL until that one ends).
            transaction.set_rollback(True)
        ranked = ranked[offset : offset + per_page]
        page_ids = [entry_id for entry_id, _score in ranked]
        entries = {
            row.pop("id"): row
            for row in CatalogueEntry.objects.filter(pk__in=page_ids).values("id", *HIT_FIELDS)
        }
        counted = {scope: counts for scope, counts in rows.items() if isinstance(scope, str)}
        wanted = {i for counts in counted.values() for i in counts}
        wanted |= {i for e in entries.values() for i in e["facet_ids"]}
        facets = {
            row[0]: FacetValue(*row)
            for row in CatalogueFacet.objects.filter(pk__in=wanted).values_list(
                "pk", "facet", "value", "label"
            )
        }
        scores = {entry_id: float(score) for entry_id, score in ranked}
        return SearchResults(
            query=query,
            filters=filters,
            total=rows[TOTAL],
            page=page,
            per_page=per_page,
            hits=[self._hit(entries[i], scores[i], cutoff, facets) for i in page_ids],
            facets=self._facets(counted, rows, filters, facets),
            backend=self.name,
            relaxed=relaxed,
            nearest=self.nearest(query) if rows[TOTAL] == 0 else [],
        )

    @staticmethod
    def nearest(query, limit=NEAREST):
        """The titles holding most of the query's pieces (segment.near_pieces, weighted), in
        use first: what a search that found nothing suggests, whatever the filters. Titles
        only, tested inside the string: it runs when nothing matched, a rare request."""
        pieces = near_pieces(query)
        if not pieces:
            return []

        def holds(piece):
            # Case folding only where case exists: upper() of every title for CJK pieces
            # was most of the 85 ms a query that found nothing took at 100,000 entries.
            if piece.upper() == piece.lower():
                return Q(title__contains=piece)
            return Q(title__icontains=piece)

        nearness = sum(
            (
                Case(When(holds(piece), then=Value(weight)), default=Value(0))
                for piece, weight in pieces
            ),
            start=Value(0),
        )
        entries = CatalogueEntry.objects.all()
        candidates = full_text().near_candidates(pieces)
        if candidates is not None:
            entries = entries.filter(candidates)
        rows = (
            entries.filter(reduce(or_, (holds(piece) for piece, _weight in pieces)))
            .annotate(nearness=nearness)
            .filter(nearness__gte=MIN_NEARNESS)
            .order_by("-nearness", "status_rank", "title")
            .values_list("title", "url")[:limit]
        )
        return [NearTitle(title, url) for title, url in rows]

    @staticmethod
    def _filter(filters, skip=None, alias="m"):
        """The WHERE condition on ``alias`` for every selected facet except ``skip``. Each
        selection is tested once per row in ``m`` (a column sel_<facet>, see _selections);
        statuses by their rank. No parameters, so one condition can appear in several places."""
        conditions = ["1 = 1"]
        for key, values in filters.items():
            if key == skip:
                continue
            if key == STATUS:
                ranks = [STATUS_RANK[v] for v in values if v in STATUS_RANK] or [-1]
                conditions.append(f"{alias}.status_rank IN ({', '.join(map(str, ranks))})")
            else:
                conditions.append(f"{alias}.sel_{key}")
        return " AND ".join(conditions)

    @staticmethod
    def _selections(engine, matching, filters, cutoff):
        """``matching`` with a boolean column sel_recently_updated, and one per selected id
        facet: does the row have one of the selected values. Tested once per row, whatever
        the number of scopes and counts that read them."""
        columns = [f"b.updated_at >= %s AS sel_{RECENTLY_UPDATED}"]
        params = [_datetime(cutoff)]
        for key, values in filters.items():
            if key in (RECENTLY_UPDATED, STATUS):
                continue
            placeholders = ", ".join(["%s"] * len(values))
            ids = f"SELECT id FROM {FACET} WHERE facet = %s AND value IN ({placeholders})"
            columns.append(f"{engine.any_of('b.facet_ids', ids)} AS sel_{key}")
            params += [key, *values]
        return Sql(
            f"SELECT b.*, {', '.join(columns)} FROM ({matching.text}) AS b",
            [*params, *matching.params],
        )

    def _counts(self, cursor, engine, parsed, filters, cutoff, any_term, k):
        """{TOTAL: n, RECENT: n, STATUSES: {status: n}, scope: {facet id: count}} where a
        scope is the facet key whose own selection it leaves out ("" for the facets without
        a selection): kept counts when there are (``_kept``), else counted (``_run``)."""
        if not filters:
            rows = self._kept(cursor, engine, parsed, cutoff)
            if rows is not None:
                return rows
        if not parsed.isbns and set(filters) <= {*CELL_FACETS, RECENTLY_UPDATED, STATUS}:
            rows = self._cells(cursor, engine, filters, cutoff, parsed, any_term)
            if rows is not None:
                return rows
        return self._run(cursor, engine, parsed, filters, cutoff, any_term, k)

    def _cells(self, cursor, engine, filters, cutoff, parsed, any_term):
        """The counts of browsing the catalogue filtered on CELL_FACETS, recency and status
        alone, from the cells (CatalogueCell): the filters are tested once per cell, and a
        scope's count of a value is the sum of its counts in the cells that pass. The cells
        are recent from the cube's day: the entries of the days between it and the cutoff
        (none once the daily ``catalog_index terms`` has run) are taken away as counted and
        added as they are. A scope without a filter reads the catalogue-wide counts
        (CatalogueFacet.entry_count).

        A word that keeps its gaps (CatalogueTermGap: it is in most of the catalogue) is
        counted the same way, its gaps taken away as they are, and a scope without a
        filter reads its kept counts; so is a query of several words relaxed to any of them
        when one keeps its gaps, less those of its gaps that match none; its scope without
        a filter reads the catalogue's counts less theirs (``gapped_term``). None without a
        cube, or for any other query."""
        gapped = engine.gapped_term(cursor, parsed, any_term) if parsed else None
        if parsed and gapped is None:
            return None
        term, outside = gapped or (None, None)
        # A scope without a filter is read from what the writer keeps: the catalogue's counts
        # or the word's; for several words relaxed to any, the catalogue's less the counts of
        # the gaps that match none (the g rows, unnested for it alone), where summing every
        # cell for it took 171 ms (数控机床编程 at 100,000 entries).
        relaxed = len(parsed.terms) > 1
        anchor = CatalogueCube.objects.values_list("recent_since", flat=True).first()
        if anchor is None:
            return None
        day = connection.ops.adapt_datefield_value
        today = timezone.localdate(cutoff)
        low, high = (
            _datetime(timezone.make_aware(datetime.combine(d, time.min)))
            for d in sorted((anchor, today))
        )
        # Cells, and the entries counted on the wrong side of the cutoff twice: taken away
        # as counted (-1), added as they are (+1). (ids the filters test, status, recent,
        # entries, facet ids, their counts; None for an entry: 1 each, times its sign)
        keyed = Sql(
            "SELECT c.cell_ids AS ids, c.status_rank AS status_rank, c.recent AS recent, "
            "c.entry_count AS n, c.facet_ids AS facet_ids, c.facet_counts AS facet_counts, "
            f"FALSE AS gap FROM {CELL} c UNION ALL SELECT d.facet_ids, d.status_rank, "
            "d.updated_day >= %s, -1, d.facet_ids, NULL, FALSE FROM d UNION ALL SELECT "
            "d.facet_ids, d.status_rank, d.updated_day >= %s, 1, d.facet_ids, NULL, FALSE FROM d",
            [day(anchor), day(today)],
        )
        gaps = Sql("")
        if term is not None:
            keyed = Sql(
                f"{keyed.text} UNION ALL SELECT g.facet_ids, g.status_rank, "
                "g.updated_day >= %s, -1, g.facet_ids, NULL, TRUE FROM g",
                [*keyed.params, day(today)],
            )
            # The ARRAY: the gaps' rows looked up by key, where a join had the planner merge
            # them with a scan of every entry's key (57 ms for 4,672 gaps of 100,000).
            gaps = Sql(
                "g AS MATERIALIZED (SELECT e.facet_ids, e.status_rank, e.updated_day "
                f"FROM {ENTRY} e WHERE e.id = ANY(ARRAY(SELECT x.entry_id FROM {GAP} x "
                f"WHERE x.term_id = %s)) AND {outside.text}), ",
                [term, *outside.params],
            )
        columns, params = ["k.recent AS sel_recently_updated"], []
        for key, values in filters.items():
            if key in (RECENTLY_UPDATED, STATUS):
                continue
            placeholders = ", ".join(["%s"] * len(values))
            ids = f"SELECT id FROM {FACET} WHERE facet = %s AND value IN ({placeholders})"
            columns.append(f"{engine.any_of('k.ids', ids)} AS sel_{key}")
            params += [key, *values]
        scopes = [""] + [key for key in filters if key not in (RECENTLY_UPDATED, STATUS)]
        conditions = [self._filter(filters, skip=scope or None) for scope in scopes]
        summed = [n for n, condition in enumerate(conditions) if condition != "1 = 1"]
        outside_counted = relaxed and len(summed) < len(conditions)
        recent = f"{self._filter(filters, skip=RECENTLY_UPDATED)} AND m.sel_{RECENTLY_UPDATED}"
        status_scope = self._filter(filters, skip=STATUS)
        sums = [f"sum(m.c) FILTER (WHERE {conditions[n]}) AS n{n}" for n in summed]
        sums += ["sum(m.c) FILTER (WHERE m.gap) AS outside"]
        sums += [f"sum(m.c) FILTER (WHERE m.k = 0 AND {conditions[0]}) AS total"]
        sums += [f"sum(m.c) FILTER (WHERE m.k = 0 AND {recent}) AS recent"]
        sums += [
            f"sum(m.c) FILTER (WHERE m.k = 0 AND {status_scope} AND m.status_rank = {rank}) "
            f"AS s{rank}"
            for rank in STATUS_OF_RANK
        ]
        scoped = " OR ".join([f"({conditions[n]})" for n in summed] or ["1 = 0"])
        if outside_counted:
            scoped += " OR m.gap"
        passing = f"(SELECT * FROM f AS m WHERE ({scoped})) AS f"
        each_count, cell_k, cell_n = engine.each_count("f")
        each_id, entry_k = engine.each_id("f")
        cursor.execute(
            f"WITH d AS MATERIALIZED (SELECT e.facet_ids, e.status_rank, e.updated_day "
            f"FROM {ENTRY} e WHERE e.updated_at >= %s AND e.updated_at < %s), {gaps.text}"
            f"f AS MATERIALIZED (SELECT k.*, {', '.join(columns)} FROM ({keyed.text}) AS k) "
            f"SELECT m.k, {', '.join(sums)} FROM ("
            "SELECT f.*, 0 AS k, f.n AS c FROM f "  # the entries themselves
            f"UNION ALL SELECT f.*, {cell_k}, {cell_n} FROM {passing} {each_count} "
            "WHERE f.facet_counts IS NOT NULL "
            f"UNION ALL SELECT f.*, {entry_k}, f.n FROM {passing} {each_id} "
            "WHERE f.facet_counts IS NULL"
            ") AS m GROUP BY m.k",
            [low, high, *gaps.params, *params, *keyed.params],
        )
        rows = {TOTAL: 0, RECENT: 0, STATUSES: {}}
        outside = {}
        for k, *numbers in cursor.fetchall():
            counts = dict(zip(summed, numbers, strict=False))
            outside_count, total, recent_count, *statuses = numbers[len(summed) :]
            if int(k) == 0:
                rows[TOTAL], rows[RECENT] = total or 0, recent_count or 0
                rows[STATUSES] = {
                    STATUS_OF_RANK[rank]: n
                    for rank, n in zip(STATUS_OF_RANK, statuses, strict=True)
                    if n
                }
                continue
            if outside_counted and outside_count:
                outside[int(k)] = outside_count  # negative: the gaps count -1 each
            for n, number in counts.items():
                if number:
                    rows.setdefault(scopes[n], {})[int(k)] = number
        if term is None or relaxed:
            unfiltered = CatalogueFacet.objects.values_list("pk", "entry_count")
        else:
            unfiltered = CatalogueTermFacet.objects.filter(term_id=term).values_list(
                "facet_id", "entry_count"
            )
        if len(summed) < len(scopes):
            counts = {k: n + outside.get(k, 0) for k, n in unfiltered.filter(entry_count__gt=0)}
            counts = {k: n for k, n in counts.items() if n > 0}
            for n in range(len(scopes)):
                if n not in summed:
                    rows[scopes[n]] = counts
        return rows

    @staticmethod
    def _kept(cursor, engine, parsed, cutoff):
        """The counts without filters of the whole catalogue, or of a word whose counts are
        kept (None for any other query), read from what the writer keeps: entries per day
        (the total, and the recently updated from the cutoff on), per facet value, and the
        suspended and retired entries (few; in use is the total minus them). Reads no
        entry but those, however many match."""
        kept = None
        if not parsed:
            days = Sql(f"SELECT d.day, d.entry_count FROM {DAY} d")
            facets = Sql(
                f"SELECT f.id AS k, f.entry_count AS n FROM {FACET} f WHERE f.entry_count > 0"
            )
            inactive = Sql(f"SELECT e.status_rank FROM {ENTRY} e WHERE e.status_rank > 0")
        else:
            kept = engine.kept_term(parsed)
            if kept is None:
                return None
            term = "(SELECT id FROM kept)"
            days = Sql(f"SELECT d.day, d.entry_count FROM {TERM_DAY} d WHERE d.term_id = {term}")
            facets = Sql(
                f"SELECT c.facet_id AS k, c.entry_count AS n FROM {TERM_FACET} c "
                f"WHERE c.term_id = {term} AND c.entry_count > 0"
            )
            matched = engine.matching(parsed, any_term=False)
            inactive = Sql(
                f"SELECT m.status_rank FROM ({matched.text}) m WHERE m.status_rank > 0",
                matched.params,
            )
        day = connection.ops.adapt_datefield_value(timezone.localdate(cutoff))
        # The word's row (KEPT) is read in the same statement: none, and it is counted.
        sql = (
            f"SELECT {TOTAL}, 0, COALESCE(sum(d.entry_count), 0) FROM ({days.text}) d "
            f"UNION ALL SELECT {RECENT}, 0, COALESCE(sum(d.entry_count), 0) "
            f"FROM ({days.text}) d WHERE d.day >= %s "
            f"UNION ALL SELECT {STATUSES}, i.status_rank, count(*) FROM ({inactive.text}) i "
            "GROUP BY i.status_rank "
            f"UNION ALL SELECT 0, c.k, c.n FROM ({facets.text}) c"
        )
        params = [*days.params, *days.params, day, *inactive.params, *facets.params]
        if kept:
            sql = f"WITH kept AS ({kept.text}) {sql} UNION ALL SELECT {KEPT}, id, 0 FROM kept"
            params = [*kept.params, *params]
            with engine.without(cursor, "indexscan"):
                cursor.execute(sql, params)
                found = cursor.fetchall()
        else:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if kept and not any(kind == KEPT for kind, _key, _n in found):
            return None
        rows = {TOTAL: 0, RECENT: 0, STATUSES: {}, "": {}}
        for kind, key, number in found:
            if kind == STATUSES:
                rows[STATUSES][STATUS_OF_RANK[key]] = number
            elif kind in (TOTAL, RECENT):
                rows[kind] = number
            elif kind != KEPT:
                rows[""][int(key)] = number
        in_use = rows[TOTAL] - sum(rows[STATUSES].values())
        if in_use:
            rows[STATUSES][Status.IN_USE] = in_use
        return rows

    @staticmethod
    def _where(engine, filters, cutoff, isbns=(), alias="e"):
        """The condition on entries ``alias`` for every selected facet and the ISBNs asked
        for: what a page's rows must satisfy (the counts test them as columns of m)."""
        conditions, params = ["1 = 1"], []
        for key, values in filters.items():
            if key == RECENTLY_UPDATED:
                conditions.append(f"{alias}.updated_at >= %s")
                params.append(_datetime(cutoff))
            elif key == STATUS:
                ranks = [STATUS_RANK[v] for v in values if v in STATUS_RANK] or [-1]
                conditions.append(f"{alias}.status_rank IN ({', '.join(map(str, ranks))})")
            else:
                placeholders = ", ".join(["%s"] * len(values))
                ids = f"SELECT id FROM {FACET} WHERE facet = %s AND value IN ({placeholders})"
                conditions.append(engine.any_of(f"{alias}.facet_ids", ids))
                params += [key, *values]
        if isbns:
            conditions.append(f"{alias}.isbn IN ({', '.join(['%s'] * len(isbns))})")
            params += list(isbns)
        return Sql(" AND ".join(conditions), params)

    @staticmethod
    def _newest(cursor, engine, where, k):
        """The first ``k`` entries satisfying ``where``, most recently updated first (in use
        before suspended and retired): browsing without words, read along an index."""
        cursor.execute(
            f"SELECT e.id, e.status_rank, 0.0, e.boost, e.title FROM {ENTRY} e "
            f"WHERE {where.text} "
            f"ORDER BY e.status_rank, e.updated_at DESC, e.title{engine.binary}, e.id LIMIT %s",
            [*where.params, k],
        )
        return [Ranked(*row) for row in cursor.fetchall()]

    def _run(self, cursor, engine, parsed, filters, cutoff, any_term, k):
        """The one counting statement of a request, over the matches: see ``_counts``. When
        the engine ranks every match anyway (``ranks_every_match``), it also returns the
        first ``k`` in result order: {PAGE: [(id, score)]}."""
        ranked = bool(parsed.terms) and engine.ranks_every_match(parsed, any_term)
        # Nothing narrows the match (browsing facets without words): m is the whole catalogue
        # and its unfiltered facet counts are the catalogue-wide ones kept on CatalogueFacet.
        whole_catalogue = not parsed.terms and not parsed.isbns
        if parsed.terms:
            matching = engine.matching(parsed, any_term, ranked=ranked)
        else:
            matching = Sql(f"SELECT e.id, e.facet_ids, e.updated_at, e.status_rank FROM {ENTRY} e")
        if parsed.isbns:
            placeholders = ", ".join(["%s"] * len(parsed.isbns))
            glue = " AND " if parsed.terms else " WHERE "
            matching = Sql(
                f"{matching.text}{glue}e.isbn IN ({placeholders})",
                [*matching.params, *parsed.isbns],
            )
        matching = self._selections(engine, matching, filters, cutoff)
        # Every plain count in one pass over m: rows matched (for the size test), the total,
        # recently updated and each status, each under its own scope.
        everything = self._filter(filters)
        recent_scope = self._filter(filters, skip=RECENTLY_UPDATED)
        status_scope = self._filter(filters, skip=STATUS)
        status_counts = [
            f"count(*) FILTER (WHERE {status_scope} AND m.status_rank = {rank}) AS s{rank}"
            for rank in STATUS_OF_RANK
        ]
        tally = Sql(
            "SELECT count(*) AS matched, "
            f"count(*) FILTER (WHERE {everything}) AS total, "
            f"count(*) FILTER (WHERE {recent_scope} AND m.sel_{RECENTLY_UPDATED}) AS recent, "
            f"{', '.join(status_counts)} FROM m"
        )
        parts = [
            Sql(f"SELECT {TOTAL}, 0, t.total, 0.0 FROM tally t"),
            Sql(f"SELECT {RECENT}, 0, t.recent, 0.0 FROM tally t"),
            *(
                Sql(f"SELECT {STATUSES}, {rank}, t.s{rank}, 0.0 FROM tally t")
                for rank in STATUS_OF_RANK
            ),
        ]
        # Facet counts per scope: the facets without a selection share the scope of every
        # filter; a facet with a selection is counted under the other facets' selections.
        # The scopes with a filter are counted in one pass over m (``scoped``); at most one
        # scope has none (no filter, or only the facet's own selection).
        scopes = [""] + [key for key in filters if key not in (RECENTLY_UPDATED, STATUS)]
        scoped = [n for n, scope in enumerate(scopes) if any(key != scope for key in filters)]
        unscoped = sorted(set(range(len(scopes))) - set(scoped))
        # A word's kept counts serve the scope without filters (at most one).
        kept = engine.kept_term(parsed) if unscoped and not whole_catalogue else None
        ctes = [
            f"m AS MATERIALIZED ({matching.text})",
            f"tally AS MATERIALIZED ({tally.text})",
            f"size AS MATERIALIZED (SELECT t.matched * 2 > {engine.catalogue_size} AS broad "
            "FROM tally t)",
        ]
        if kept:
            ctes.append(f"kept AS MATERIALIZED ({kept.text})")
        if scoped:
            conditions = [self._filter(filters, skip=scopes[n] or None) for n in scoped]
            ctes.append(f"scoped AS MATERIALIZED ({engine.facet_counts('m', 'm', conditions)})")
            parts += [
                Sql(f"SELECT {n}, s.k, s.n{i}, 0.0 FROM scoped s WHERE s.n{i} > 0")
                for i, n in enumerate(scoped)
            ]
        for number in unscoped:
            if whole_catalogue:
                counts = (
                    f"SELECT f.id AS k, f.entry_count AS n FROM {FACET} f WHERE f.entry_count > 0"
                )
            else:
                counts = self._unfiltered_counts(engine, kept is not None)
            parts.append(Sql(f"SELECT {number}, c.k, c.n, 0.0 FROM ({counts}) AS c"))
        if ranked:
            order = f"p.status_rank, p.score DESC, p.boost DESC, p.title{engine.binary}, p.id"
            parts.append(
                Sql(
                    f"SELECT {PAGE}, p.id, row_number() OVER (ORDER BY {order}), p.score "
                    f"FROM (SELECT * FROM m AS p WHERE {self._filter(filters, alias='p')} "
                    f"ORDER BY {order} LIMIT %s) AS p",
                    [k],
                )
            )
        sql = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(
            f"SELECT * FROM ({p.text}) AS part{i}" for i, p in enumerate(parts)
        )
        params = [
            *matching.params,
            *tally.params,
            *(kept.params if kept else ()),
            *(x for p in parts for x in p.params),
        ]
        cursor.execute(sql, params)
        rows = {TOTAL: 0, RECENT: 0, STATUSES: {}}
        page = []
        for kind, key, number, score in cursor.fetchall():
            if kind == PAGE:
                page.append((number, key, score))
            elif kind == TOTAL:
                rows[TOTAL] = number
            elif kind == RECENT:
                rows[RECENT] = number
            elif kind == STATUSES:
                if number:
                    rows[STATUSES][STATUS_OF_RANK[key]] = number
            else:
                rows.setdefault(scopes[kind], {})[int(key)] = number
        if ranked:
            rows[PAGE] = [(entry_id, score) for _position, entry_id, score in sorted(page)]
        return rows

    @staticmethod
    def _unfiltered_counts(engine, kept):
        """(k, n) facet counts over every row of ``m``. For a word whose counts are kept
        (``kept``: the CTE naming its CatalogueTerm, when the query is one word), those
        counts. Otherwise, when m holds more than half of the catalogue, the catalogue-wide
        counts (CatalogueFacet.entry_count) minus the counts of the entries m does not hold,
        so that a broad word (编程: 96% of the catalogue) or the empty query unnests the few
        arrays left out instead of nearly all of them; else m's own. Each branch is guarded
        by a test evaluated once per statement (``kept``, ``size``)."""
        broad = "(SELECT broad FROM size)"
        counted = "1 = 1"
        branches = []
        if kept:
            counted = "NOT EXISTS (SELECT 1 FROM kept)"
            branches.append(
                f"SELECT c.facet_id AS k, c.entry_count AS n FROM {TERM_FACET} AS c "
                "WHERE c.term_id IN (SELECT id FROM kept) AND c.entry_count > 0"
            )
        direct = engine.facet_counts("m", "m", ["1 = 1"])
        missing = engine.facet_counts(f"{ENTRY} AS e", "e", [engine.left_out("e")])
        branches += [
            f"SELECT d.k, d.n0 AS n FROM ({direct}) AS d WHERE {counted} AND NOT ({broad})",
            f"SELECT f.id, f.entry_count - COALESCE(x.n0, 0) FROM {FACET} AS f "
            f"LEFT JOIN ({missing}) AS x ON x.k = f.id "
            f"WHERE {counted} AND ({broad}) AND f.entry_count > COALESCE(x.n0, 0)",
        ]
        return " UNION ALL ".join(branches)

    @staticmethod
    def _hit(entry, score, cutoff, facets):
        """A Hit from an entry's HIT_FIELDS (a dict: cheaper than model instances)."""
        summary = {key: value for key, value in entry.items() if key != "facet_ids"}
        labels = {}
        for facet in sorted(
            (facets[i] for i in entry["facet_ids"] if i in facets), key=lambda f: f.value
        ):
            labels.setdefault(facet.facet, []).append(facet.label)
        labels[STATUS] = [str(Status(entry["status"]).label)]
        return Hit(
            **summary,
            recently_updated=entry["updated_at"] >= cutoff,
            score=score,
            labels=labels,
        )

    @staticmethod
    def _facets(counted, rows, filters, facets):
        """Options per facet, counted in the scope that leaves out the facet's own selection.
        A selected value nothing has stays listed, with 0."""
        results = []
        labels = None  # of selected values no hit has, read only when there is one
        for facet in FACETS:
            selected = set(filters.get(facet.key, ()))
            if facet.key == RECENTLY_UPDATED:
                counts = [(TRUE, str(RECENTLY_UPDATED_LABEL), rows[RECENT])]
            elif facet.key == STATUS:
                counts = [(s, str(Status(s).label), n) for s, n in rows[STATUSES].items()]
            else:
                scope = facet.key if facet.key in filters else ""
                counts = [
                    (facets[i].value, facets[i].label, n)
                    for i, n in counted.get(scope, {}).items()
                    if i in facets and facets[i].facet == facet.key
                ]
            seen = {value for value, _label, _n in counts}
            missing = sorted(selected - seen)
            if missing and labels is None:
                labels = selected_labels(filters)
            counts += [(v, labels.get((facet.key, v), v), 0) for v in missing]
            options = [FacetOption(v, label, n, v in selected) for v, label, n in counts]
            results.append(FacetResult.shown(facet.key, str(facet.label), options))
        return results
