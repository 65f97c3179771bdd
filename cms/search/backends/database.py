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


A request is one statement (see ``DatabaseBackend.search``): the match is computed once into a
materialised CTE, and the total, every facet count and the ranked page are read from it.
Facet values are integer ids (CatalogueFacet) in ``facet_ids``: ``integer[]`` unnested on
PostgreSQL, JSON read with json_each on SQLite. On PostgreSQL the facet counts of the words in
at least a tenth of the catalogue (CatalogueTerm, chosen daily) are kept by the writer, so
that searching one of them reads about 200 rows instead of unnesting thousands of arrays.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.contrib.postgres.search import SearchVector
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

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
    STATUS_RANK,
    TIER_BOOST,
    CatalogueEntry,
    CatalogueFacet,
    CatalogueTerm,
    CatalogueTermFacet,
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
# A word in at least this share of the catalogue gets its facet counts kept (CatalogueTerm):
# below it a search unnests at most a tenth of the catalogue's facet ids (数控, 17 %: 11 ms).
BROAD_TERM_SHARE = 0.1
LOCK_NOT_AVAILABLE = "55P03"


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
# bm25 column weights for (title_text, subject_text, body_text).
FTS5_WEIGHTS = "10.0, 4.0, 1.0"
# What a hit shows; the segmented texts and vectors stay in the database.
HIT_FIELDS = ["textbook_id", "title", "slug", "url", "isbn", "tier", "co_developed", "status",
              "status_note", "edition_version", "edition_published_at", "updated_at", "facet_ids"]  # fmt: skip
# Row kinds of the one search statement.
TOTAL, RECENT, PAGE, STATUSES = -1, -2, -3, -4
# The status facet is read from the entry's status_rank column, so that a lifecycle change
# (the daily sweep suspends thousands at once) is one set-based UPDATE of scalar columns.
STATUS = "status"
STATUS_OF_RANK = {rank: status for status, rank in STATUS_RANK.items()}


def id_facet_values(document):
    """The (facet, value, label) triples kept as ids in facet_ids: all but the status."""
    return [(f, v, label) for f, v, label in document.facet_values() if f != STATUS]


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


def tier_boost(alias):
    """SQL multiplying a relevance score by the entry's planning tier (TIER_BOOST)."""
    whens = " ".join(f"WHEN %s THEN {float(boost)}" for boost in TIER_BOOST.values())
    return Sql(f"CASE {alias}.tier {whens} ELSE 1.0 END", list(TIER_BOOST))


class PostgresFullText:
    @staticmethod
    def vectors(document):
        """The entry's vectors as expressions of its texts, computed by the INSERT itself: an
        UPDATE after it left a dead row version per write, doubling the table (2,682 pages
        against 864 compacted at 10,000 entries) and the heap pages every search reads."""

        def vector(text, weight):
            return SearchVector(Value(text), config="simple", weight=weight)

        title, subject = vector(document.title_text, "A"), vector(document.subject_text, "B")
        return {
            "rank_vector": title + subject,
            "search_vector": title + subject + vector(document.body_text, "C"),
        }

    def write(self, textbook_ids):
        """The vectors were written with the rows (``vectors``)."""

    def delete(self, entry_ids):
        """The vectors live in the entry row and go with it."""

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
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TERM_FACET} (term_id, facet_id, entry_count) "
                f"SELECT t.id, f.k, %s * count(*) FROM {TERM} t "
                f"JOIN {ENTRY} e ON e.search_vector @@ t.query::tsquery "
                "CROSS JOIN LATERAL unnest(e.facet_ids) AS f(k) "
                f"WHERE {' AND '.join(conditions)} GROUP BY t.id, f.k ORDER BY t.id, f.k "
                "ON CONFLICT (term_id, facet_id) DO UPDATE "
                f"SET entry_count = {TERM_FACET}.entry_count + EXCLUDED.entry_count",
                params,
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
                "SELECT s.word, s.q::text FROM (SELECT w.word, plainto_tsquery('simple', w.word) "
                f"AS q FROM ts_stat('SELECT search_vector FROM {ENTRY}') AS w "
                f"WHERE w.ndoc >= GREATEST(1, ceil(%s * (SELECT count(*) FROM {ENTRY})))"
                ") AS s WHERE numnode(s.q) = 1",
                [share],
            )
            # Only words a search reads kept counts for: 完成度 is indexed as a word, but
            # searching it also finds 完成 … 度 (its parts), a different set of entries.
            broad = {
                query
                for word, query in cursor.fetchall()
                if self.kept_term(parse_query(word)) is not None
            }
            kept = dict(CatalogueTerm.objects.values_list("query", "pk"))
            dropped = [pk for query, pk in kept.items() if query not in broad]
            cursor.execute(f"DELETE FROM {TERM_FACET} WHERE term_id = ANY(%s)", [dropped])
            cursor.execute(f"DELETE FROM {TERM} WHERE id = ANY(%s)", [dropped])
        new = CatalogueTerm.objects.bulk_create(
            [CatalogueTerm(query=query) for query in sorted(broad - set(kept))]
        )
        self.count_terms(None, +1, term_ids=[term.pk for term in new])
        return len(broad), len(new), len(dropped)

    @staticmethod
    def kept_term(parsed):
        """SELECT of the CatalogueTerm whose kept counts are the facet counts of this query's
        matches (none, or one row): a query of one word, looked up by its tsquery text."""
        if len(parsed.terms) != 1 or parsed.terms[0].parts or parsed.isbns:
            return None
        return Sql(
            f"SELECT t.id FROM {TERM} t WHERE t.query = plainto_tsquery('simple', %s)::text",
            [parsed.terms[0].word],
        )

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

    def matching(self, parsed, any_term):
        """SELECT of the matching entries' (id, facet_ids, updated_at, status_rank, title,
        score); words matched through the GIN index, ranked on the small rank_vector."""
        q = self._tsquery(parsed, any_term)
        boost = tier_boost("e")
        return Sql(
            "SELECT e.id, e.facet_ids, e.updated_at, e.status_rank, e.title, "
            f"ts_rank(%s::real[], e.rank_vector, {q.text}) * {boost.text} AS score "
            f"FROM {ENTRY} e WHERE e.search_vector @@ {q.text}",
            [PG_WEIGHTS, *q.params, *boost.params, *q.params],
        )

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
    def left_out(alias):
        """Entries ``alias`` that ``m`` does not hold. The ids left out are found by an
        index-only scan of the primary key (an anti-join with m), then only those rows are
        read: joining the whole table read every row's heap tuple for a few hundred results
        (编程: 362 of 10,014; 15 ms → 2 ms, benchmarks/README.md). The ARRAY keeps the planner
        from estimating half the table and hashing every row instead."""
        ids = f"SELECT x.id FROM {ENTRY} x WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.id = x.id)"
        return f"{alias}.id = ANY(ARRAY({ids}))"


class SqliteFullText:
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
    catalogue_size = f"(SELECT count(*) FROM {ENTRY})"

    def prepare(self, cursor):
        """FTS5 always answers MATCH from its own index."""

    def matching(self, parsed, any_term):
        boost = tier_boost("e")
        return Sql(
            f"SELECT e.id, e.facet_ids, e.updated_at, e.status_rank, e.title, "
            f"f.score * {boost.text} AS score "
            f"FROM {ENTRY} e JOIN (SELECT rowid AS rid, -bm25({FTS_TABLE}, {FTS5_WEIGHTS}) "
            f"AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) f ON f.rid = e.id",
            [*boost.params, self._expression(parsed, any_term)],
        )

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


def status_from_lifecycle():
    """{column: expression} deriving an entry's status columns from its textbook's lifecycle
    state in SQL, by the mapping the documents use (cms.search.documents.status_of)."""
    state = TextbookLifecycle.objects.filter(textbook=OuterRef("textbook_id"))
    derived = {state: status_of(state) for state in LifecycleState.values}
    columns = {
        "status": ({s: status for s, (status, _note) in derived.items()}, Status.IN_USE),
        "status_rank": ({s: STATUS_RANK[status] for s, (status, _n) in derived.items()}, 0),
        "status_note": ({s: note for s, (_status, note) in derived.items()}, ""),
    }
    expressions = {}
    for column, (values, default) in columns.items():
        field = CatalogueEntry._meta.get_field(column)
        case = Case(
            *(When(state=s, then=Value(v)) for s, v in values.items()),
            default=Value(default),
            output_field=field,
        )
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

    @staticmethod
    def stale_statuses():
        """Entries whose status disagrees with their textbook's lifecycle state."""
        derived = status_from_lifecycle()
        return CatalogueEntry.objects.exclude(
            Q(status=derived["status"]) & Q(status_note=derived["status_note"])
        )

    def sync_status(self):
        """Bring every entry's status in line with its textbook's lifecycle: one set-based
        UPDATE of the entries that disagree, whatever their number (the daily sweep moves
        thousands at once). Returns the number of entries changed."""
        stale = self.stale_statuses()
        return CatalogueEntry.objects.filter(pk__in=stale.values("pk")).update(
            **status_from_lifecycle()
        )

    def remove(self, textbook_id):
        with transaction.atomic():
            rows = list(
                CatalogueEntry.objects.filter(textbook_id=textbook_id).values_list(
                    "pk", "facet_ids"
                )
            )
            if rows:
                ids = [pk for pk, _facet_ids in rows]
                engine = full_text()
                engine.count_terms(ids, -1)
                engine.delete(ids)
                CatalogueEntry.objects.filter(pk__in=ids).delete()
                _count_entries([i for _pk, facet_ids in rows for i in facet_ids], -1)

    def clear(self):
        with transaction.atomic():
            if connection.vendor != "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {FTS_TABLE}")
            CatalogueTerm.objects.all().delete()
            CatalogueEntry.objects.all().delete()
            CatalogueFacet.objects.all().delete()

    def refresh_terms(self, share=BROAD_TERM_SHARE, lock_timeout=None):
        """Choose anew the words whose facet counts are kept (CatalogueTerm): daily from
        cron and after a rebuild, as the catalogue's vocabulary drifts. Returns (words kept,
        new, dropped); raises IndexBusy, having changed nothing, when index writes held
        the entries for more than ``lock_timeout`` seconds."""
        with transaction.atomic():
            return full_text().refresh_terms(share, lock_timeout)

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
            rows = self._run(cursor, engine, parsed, filters, cutoff, offset, per_page, False)
            if rows[TOTAL] == 0 and len(parsed.terms) > 1:
                some = self._run(cursor, engine, parsed, filters, cutoff, offset, per_page, True)
                if some[TOTAL]:  # else nothing matched at all, and the page says just that
                    relaxed, rows = True, some
            # Read-only: rolling back ends the planner setting with it, even inside an outer
            # transaction (a released savepoint would keep a SET LOCAL until that one ends).
            transaction.set_rollback(True)
        page_ids = [entry_id for _position, entry_id, _score in sorted(rows[PAGE])]
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
        scores = {entry_id: score for _position, entry_id, score in rows[PAGE]}
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
        nearness = sum(
            (
                Case(When(title__icontains=piece, then=Value(weight)), default=Value(0))
                for piece, weight in pieces
            ),
            start=Value(0),
        )
        rows = (
            CatalogueEntry.objects.filter(
                reduce(or_, (Q(title__icontains=piece) for piece, _weight in pieces))
            )
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

    def _run(self, cursor, engine, parsed, filters, cutoff, offset, limit, any_term):
        """The one statement of a request. Returns {TOTAL: n, RECENT: n, PAGE: [(position, id,
        score)], scope: {facet id: count}} where a scope is the facet key whose own selection
        it leaves out ("" for the facets without a selection)."""
        # Nothing narrows the match (browsing facets without words): m is the whole catalogue
        # and its unfiltered facet counts are the catalogue-wide ones kept on CatalogueFacet.
        whole_catalogue = not parsed.terms and not parsed.isbns
        if parsed.terms:
            matching = engine.matching(parsed, any_term)
        else:
            matching = Sql(
                "SELECT e.id, e.facet_ids, e.updated_at, e.status_rank, e.title, "
                f"0.0 AS score FROM {ENTRY} e"
            )
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
        page_filter = self._filter(filters, alias="p")
        title = f"p.title{engine.binary}"
        order = (
            f"p.status_rank, p.score DESC, {title}"
            if parsed.terms
            else f"p.status_rank, p.updated_at DESC, {title}"
        )
        parts.append(
            Sql(
                f"SELECT {PAGE}, p.id, row_number() OVER (ORDER BY {order}), p.score "
                f"FROM (SELECT p.id, p.status_rank, p.score, p.updated_at, p.title "
                f"FROM m AS p WHERE {page_filter} "
                f"ORDER BY {order} LIMIT %s OFFSET %s) AS p",
                [limit, offset],
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
        rows = {TOTAL: 0, RECENT: 0, PAGE: [], STATUSES: {}}
        for kind, key, number, score in cursor.fetchall():
            if kind == TOTAL:
                rows[TOTAL] = number
            elif kind == RECENT:
                rows[RECENT] = number
            elif kind == PAGE:
                rows[PAGE].append((number, key, float(score or 0.0)))
            elif kind == STATUSES:
                if number:
                    rows[STATUSES][STATUS_OF_RANK[key]] = number
            else:
                rows.setdefault(scopes[kind], {})[int(key)] = number
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
