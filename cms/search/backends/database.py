"""The default backend: the CatalogueEntry table plus the database's own full-text index.

PostgreSQL: ``search_vector`` (tsvector, 'simple' configuration, GIN index) is computed from the
pre-segmented text by an UPDATE the backend issues itself (no trigger), ranked with ts_rank;
title tokens carry weight A, major/course names B, content C.

SQLite: an FTS5 table ``cms_catalogue_fts`` (rowid = entry id), ranked with bm25 and the same
column emphasis. FTS5 rather than a token table because it is compiled into the SQLite that
Python ships, ranks with bm25 and column weights out of the box, and stores a compressed
inverted index instead of one database row per (textbook, token) — the pre-segmented text goes
in as space-separated words, which its unicode61 tokenizer splits and case-folds.

Every write touches only the rows of the textbooks written: there is no index-wide rewrite.
"""

from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Value, When
from django.db.models.expressions import RawSQL

from cms.search.facets import (
    FACETS,
    RECENTLY_UPDATED,
    RECENTLY_UPDATED_LABEL,
    STORED_FACET_KEYS,
    TRUE,
    clean_filters,
    recently_updated_since,
)
from cms.search.models import CatalogueEntry, CatalogueFacetValue, Status
from cms.search.results import FacetOption, FacetResult, Hit, SearchResults
from cms.search.segment import parse_query

FTS_TABLE = "cms_catalogue_fts"
# ts_rank weights for {D, C, B, A}: a title hit counts five times a content hit.
PG_WEIGHTS = [0.1, 0.2, 0.5, 1.0]
# bm25 column weights for (title_text, subject_text, body_text).
FTS5_WEIGHTS = "10.0, 4.0, 1.0"


class PostgresFullText:
    def write(self, entry_ids):
        CatalogueEntry.objects.filter(pk__in=entry_ids).update(
            search_vector=SearchVector("title_text", weight="A", config="simple")
            + SearchVector("subject_text", weight="B", config="simple")
            + SearchVector("body_text", weight="C", config="simple")
        )

    def delete(self, entry_ids):
        """The vector lives in the entry row and goes with it."""

    def _query(self, parsed, any_term):
        def word(text):
            return SearchQuery(text, search_type="plain", config="simple")

        terms = [
            word(t.word) | reduce(and_, map(word, t.parts)) if t.parts else word(t.word)
            for t in parsed.terms
        ]
        return reduce(or_ if any_term else and_, terms)

    def match(self, queryset, parsed, any_term):
        return queryset.filter(search_vector=self._query(parsed, any_term))

    def rank(self, queryset, parsed, any_term):
        query = self._query(parsed, any_term)
        return queryset.annotate(score=SearchRank(F("search_vector"), query, weights=PG_WEIGHTS))


class SqliteFullText:
    def write(self, entry_ids):
        entries = CatalogueEntry.objects.filter(pk__in=entry_ids).values_list(
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

    @staticmethod
    def _expression(parsed, any_term):
        def word(text):
            return '"' + text.replace('"', '""') + '"'

        terms = [
            f"({word(t.word)} OR ({' AND '.join(map(word, t.parts))}))" if t.parts else word(t.word)
            for t in parsed.terms
        ]
        return (" OR " if any_term else " AND ").join(terms)

    def match(self, queryset, parsed, any_term):
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        return queryset.filter(pk__in=RawSQL(sql, [self._expression(parsed, any_term)]))

    def rank(self, queryset, parsed, any_term):
        table = CatalogueEntry._meta.db_table
        sql = (
            f"SELECT -bm25({FTS_TABLE}, {FTS5_WEIGHTS}) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {table}.id"
        )
        return queryset.annotate(score=RawSQL(sql, [self._expression(parsed, any_term)]))


def full_text():
    return PostgresFullText() if connection.vendor == "postgresql" else SqliteFullText()


def _apply_filters(queryset, filters):
    for key, values in filters.items():
        if key == RECENTLY_UPDATED:
            if TRUE in values:
                queryset = queryset.filter(updated_at__gte=recently_updated_since())
            continue
        values_of_entry = CatalogueFacetValue.objects.filter(
            entry=OuterRef("pk"), facet=key, value__in=values
        )
        queryset = queryset.filter(Exists(values_of_entry))
    return queryset


class DatabaseBackend:
    name = "database"

    # -- writing ---------------------------------------------------------------------------

    def index(self, document):
        """Replace the entry of one textbook."""
        with transaction.atomic():
            self.remove(document.textbook_id)
            self.bulk_index([document])

    def bulk_index(self, documents):
        """Insert entries for textbooks that have none (rebuild, benchmark loading)."""
        if not documents:
            return
        with transaction.atomic():
            entries = CatalogueEntry.objects.bulk_create(
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
                        edition_version=d.edition_version,
                        edition_published_at=d.edition_published_at,
                        updated_at=d.updated_at,
                        title_text=d.title_text,
                        subject_text=d.subject_text,
                        body_text=d.body_text,
                    )
                    for d in documents
                ]
            )
            ids = [e.pk for e in entries]
            if None in ids:  # backends that do not return ids from bulk inserts
                ids = list(
                    CatalogueEntry.objects.filter(
                        textbook_id__in=[d.textbook_id for d in documents]
                    ).values_list("pk", flat=True)
                )
                entries = CatalogueEntry.objects.filter(pk__in=ids)
            by_textbook = {e.textbook_id: e.pk for e in entries}
            CatalogueFacetValue.objects.bulk_create(
                [
                    CatalogueFacetValue(
                        entry_id=by_textbook[d.textbook_id], facet=facet, value=value, label=label
                    )
                    for d in documents
                    for facet, value, label in d.facet_values()
                ]
            )
            full_text().write(ids)

    def remove(self, textbook_id):
        with transaction.atomic():
            ids = list(
                CatalogueEntry.objects.filter(textbook_id=textbook_id).values_list("pk", flat=True)
            )
            if ids:
                full_text().delete(ids)
                CatalogueEntry.objects.filter(pk__in=ids).delete()

    def clear(self):
        with transaction.atomic():
            if connection.vendor != "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {FTS_TABLE}")
            CatalogueFacetValue.objects.all().delete()
            CatalogueEntry.objects.all().delete()

    def count(self):
        return CatalogueEntry.objects.count()

    # -- searching -------------------------------------------------------------------------

    def search(self, query="", filters=None, page=1, per_page=20):
        parsed = parse_query(query)
        filters = clean_filters(filters)
        engine = full_text()
        relaxed = False
        base = self._matching(engine, parsed, any_term=False)
        matching = _apply_filters(base, filters)
        total = matching.count()
        if total == 0 and len(parsed.terms) > 1:
            relaxed = True
            base = self._matching(engine, parsed, any_term=True)
            matching = _apply_filters(base, filters)
            total = matching.count()

        offset = (page - 1) * per_page
        ordered = matching.annotate(
            retired_last=Case(When(status=Status.IN_USE, then=Value(0)), default=Value(1))
        )
        if parsed.terms:
            ordered = engine.rank(ordered, parsed, any_term=relaxed).order_by(
                "retired_last", "-score", "title"
            )
        else:
            ordered = ordered.annotate(score=Value(0.0)).order_by(
                "retired_last", "-updated_at", "title"
            )
        entries = ordered.prefetch_related(
            Prefetch("facet_values", queryset=CatalogueFacetValue.objects.order_by("value"))
        )[offset : offset + per_page]
        since = recently_updated_since()
        return SearchResults(
            query=query,
            filters=filters,
            total=total,
            page=page,
            per_page=per_page,
            hits=[self._hit(entry, since) for entry in entries],
            facets=self._facets(base, filters, since),
            backend=self.name,
            relaxed=relaxed,
        )

    def _matching(self, engine, parsed, any_term):
        queryset = CatalogueEntry.objects.all()
        if parsed.isbns:
            queryset = queryset.filter(isbn__in=parsed.isbns)
        if parsed.terms:
            queryset = engine.match(queryset, parsed, any_term)
        return queryset

    @staticmethod
    def _hit(entry, since):
        labels = {}
        for value in entry.facet_values.all():
            labels.setdefault(value.facet, []).append(value.label)
        return Hit(
            textbook_id=entry.textbook_id,
            title=entry.title,
            slug=entry.slug,
            url=entry.url,
            isbn=entry.isbn,
            tier=entry.tier,
            co_developed=entry.co_developed,
            status=entry.status,
            edition_version=entry.edition_version,
            edition_published_at=entry.edition_published_at,
            updated_at=entry.updated_at,
            recently_updated=entry.updated_at >= since,
            score=float(entry.score or 0.0),
            labels=labels,
        )

    @staticmethod
    def _facets(base, filters, since):
        """Counts per facet value, each facet filtered by every other facet's selection.

        Facets whose own selection is empty share one scope (all filters), so a request costs
        one aggregate query for them plus one per facet the teacher has selected values in.
        """
        scopes = {}
        for key in STORED_FACET_KEYS:
            scope = tuple(k for k in filters if k != key)
            scopes.setdefault(scope, []).append(key)
        counted = {}
        for scope, keys in scopes.items():
            scoped = _apply_filters(base, {k: filters[k] for k in scope})
            rows = (
                CatalogueFacetValue.objects.filter(facet__in=keys, entry__in=scoped.values("pk"))
                .values("facet", "value", "label")
                .annotate(count=Count("pk"))
            )
            for row in rows:
                counted.setdefault(row["facet"], []).append(row)
        recent_scope = _apply_filters(
            base, {k: v for k, v in filters.items() if k != RECENTLY_UPDATED}
        )
        recent = recent_scope.filter(updated_at__gte=since).count()
        counted[RECENTLY_UPDATED] = [
            {"value": TRUE, "label": str(RECENTLY_UPDATED_LABEL), "count": recent}
        ]

        results = []
        for facet in FACETS:
            selected = set(filters.get(facet.key, ()))
            rows = counted.get(facet.key, [])
            seen = {row["value"] for row in rows}
            options = [
                FacetOption(row["value"], row["label"], row["count"], row["value"] in selected)
                for row in rows
            ] + [FacetOption(value, value, 0, True) for value in sorted(selected - seen)]
            options.sort(key=lambda o: (-o.count, o.value))
            results.append(FacetResult(facet.key, str(facet.label), options))
        return results
