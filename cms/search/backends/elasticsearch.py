"""The Elasticsearch backend (settings.ELASTICSEARCH_URL), defined with elasticsearch.dsl.

Analysis: every text field holds the jieba-segmented text (cms.search.segment) and is indexed
twice — as words (whitespace tokenizer + lowercase: jieba's words, exact and precise) and,
in a ``.cjk`` sub-field, with Elasticsearch's built-in ``cjk`` analyzer (overlapping character
bigrams, width normalisation, lowercase), which still matches a sub-word that jieba segmented
differently. ``cjk`` rather than ``smartcn``: smartcn is a plugin that must be installed on
every node (not available on many managed clusters), while cjk ships with Elasticsearch, and
jieba already supplies the word-level segmentation smartcn would add.

The query mirrors the database backend: every query word must match (itself or all of its
sub-words), relaxed to any word when nothing matches; ISBNs match exactly; in-use textbooks come
before suspended or retired ones. Facets are FacetedSearch facets with the same keys as the
database backend; their labels come from the database index (always kept as the fallback).
"""

from datetime import datetime

from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import (
    SF,
    Date,
    Document,
    FacetedSearch,
    Integer,
    Keyword,
    Object,
    Q,
    RangeFacet,
    Search,
    TermsFacet,
    Text,
    analyzer,
)
from elasticsearch.helpers import bulk

from cms.search.facets import (
    FACETS,
    RECENTLY_UPDATED,
    RECENTLY_UPDATED_LABEL,
    STORED_FACET_KEYS,
    TRUE,
    clean_filters,
    recently_updated_cutoff,
    selected_labels,
)
from cms.search.models import STATUS_RANK, TIER_BOOST, CatalogueFacet, Status
from cms.search.results import (
    NEAREST,
    FacetOption,
    FacetResult,
    Hit,
    NearTitle,
    SearchResults,
)
from cms.search.segment import MIN_NEARNESS, near_pieces, parse_query

# What makes the service fall back to the database: no connection, timeouts, API errors.
UNAVAILABLE = (TransportError, ApiError)
INDEX = "textbook-catalogue"
FACET_SIZE = 200

words = analyzer("catalogue_words", tokenizer="whitespace", filter=["lowercase"])


def segmented_text():
    return Text(analyzer=words, fields={"cjk": Text(analyzer="cjk")})


class CatalogueDoc(Document):
    textbook_id = Integer()
    title = Text(analyzer="cjk", fields={"raw": Keyword()})
    slug = Keyword()
    url = Keyword(index=False)
    isbn = Keyword()
    status_rank = Integer()
    status_note = Keyword(index=False)
    edition_version = Keyword()
    edition_published_at = Date()
    updated_at = Date()
    title_text = segmented_text()
    subject_text = segmented_text()
    body_text = segmented_text()
    labels = Object(enabled=False)
    # One keyword field per stored facet, each a list of values.
    major_category = Keyword(multi=True)
    major = Keyword(multi=True)
    level = Keyword(multi=True)
    course_type = Keyword(multi=True)
    course = Keyword(multi=True)
    form = Keyword(multi=True)
    tier = Keyword(multi=True)
    co_developed = Keyword(multi=True)
    status = Keyword(multi=True)

    @classmethod
    def from_document(cls, document):
        doc = cls(
            meta={"id": document.textbook_id},
            textbook_id=document.textbook_id,
            title=document.title,
            slug=document.slug,
            url=document.url,
            isbn=document.isbn,
            status_rank=STATUS_RANK[document.status],
            status_note=document.status_note,
            edition_version=document.edition_version,
            edition_published_at=document.edition_published_at,
            updated_at=document.updated_at,
            title_text=document.title_text,
            subject_text=document.subject_text,
            body_text=document.body_text,
            labels={key: [label for _v, label in pairs] for key, pairs in document.facets.items()},
        )
        for key in STORED_FACET_KEYS:
            setattr(doc, key, [value for value, _label in document.facets.get(key, [])])
        return doc


WORD_FIELDS = [
    "title_text^5",
    "title_text.cjk^3",
    "subject_text^2",
    "subject_text.cjk",
    "body_text",
    "body_text.cjk^0.5",
]


def word_query(word):
    return Q("multi_match", query=word, fields=WORD_FIELDS, type="best_fields", operator="and")


def catalogue_query(parsed, any_term=False):
    """The bool query for a parsed teacher's query (see cms.search.segment.parse_query)."""
    clauses = []
    for term in parsed.terms:
        clause = word_query(term.word)
        if term.parts:
            clause = Q(
                "bool",
                should=[clause, Q("bool", must=[word_query(p) for p in term.parts])],
                minimum_should_match=1,
            )
        clauses.append(clause)
    filters = [Q("terms", isbn=list(parsed.isbns))] if parsed.isbns else []
    if not clauses:
        return Q("bool", filter=filters)
    if any_term:
        matched = Q("bool", should=clauses, minimum_should_match=1, filter=filters)
    else:
        matched = Q("bool", must=clauses, filter=filters)
    return tier_boosted(matched)


def tier_boosted(query):
    """The relevance of ``query`` multiplied by the planning tier (TIER_BOOST), as the
    database backend does."""
    return Q(
        "function_score",
        query=query,
        functions=[
            SF({"filter": Q("term", tier=tier), "weight": boost})
            for tier, boost in TIER_BOOST.items()
        ],
        score_mode="first",
        boost_mode="multiply",
    )


class CatalogueFacetedSearch(FacetedSearch):
    doc_types = [CatalogueDoc]

    def __init__(self, parsed, filters, *, index=INDEX, using=None, any_term=False):
        # Per request: "recently updated" starts at a cutoff that moves with the calendar.
        self.facets = {
            **{key: TermsFacet(field=key, size=FACET_SIZE) for key in STORED_FACET_KEYS},
            RECENTLY_UPDATED: RangeFacet(
                field="updated_at", ranges=[(TRUE, (recently_updated_cutoff().isoformat(), None))]
            ),
        }
        self.index = index
        self.using = using
        self.any_term = any_term
        if parsed.terms:
            sort = [{"status_rank": "asc"}, {"_score": "desc"}, {"title.raw": "asc"}]
        else:
            sort = [{"status_rank": "asc"}, {"updated_at": "desc"}, {"title.raw": "asc"}]
        super().__init__(parsed, filters, sort=sort)

    def query(self, search, query):
        if query:
            search = search.query(catalogue_query(query, self.any_term))
        return search.extra(track_total_hits=True, track_scores=True)


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url, index=INDEX, client=None):
        self.index_name = index  # not self.index: that is the method below
        self.client = client or Elasticsearch(url, request_timeout=5, max_retries=0)

    # -- writing ---------------------------------------------------------------------------

    def create_index(self):
        CatalogueDoc.init(index=self.index_name, using=self.client)

    def index(self, document):
        CatalogueDoc.from_document(document).save(index=self.index_name, using=self.client)

    def bulk_index(self, documents):
        actions = (
            CatalogueDoc.from_document(d).to_dict(include_meta=True, skip_empty=False)
            | {"_index": self.index_name}
            for d in documents
        )
        bulk(self.client, actions)

    def remove(self, textbook_id):
        self.client.options(ignore_status=404).delete(index=self.index_name, id=textbook_id)

    def clear(self):
        self.client.options(ignore_status=404).indices.delete(index=self.index_name)
        self.create_index()

    def refresh(self):
        self.client.indices.refresh(index=self.index_name)

    def count(self):
        return self.client.count(index=self.index_name)["count"]

    # -- searching -------------------------------------------------------------------------

    def faceted_search(self, query="", filters=None, page=1, per_page=20, any_term=False):
        """The FacetedSearch for a request (``.execute()`` runs it; ``._s.to_dict()`` shows it)."""
        parsed = parse_query(query)
        faceted = CatalogueFacetedSearch(
            parsed,
            clean_filters(filters),
            index=self.index_name,
            using=self.client,
            any_term=any_term,
        )
        offset = (page - 1) * per_page
        return faceted[offset : offset + per_page]

    def search(self, query="", filters=None, page=1, per_page=20):
        faceted = self.faceted_search(query, filters, page, per_page)
        response = faceted.execute()
        relaxed = False
        if response.hits.total.value == 0 and len(parse_query(query).terms) > 1:
            some = self.faceted_search(query, filters, page, per_page, any_term=True).execute()
            if some.hits.total.value:  # else nothing matched at all, and the page says so
                relaxed, response = True, some
        results = self.parse(response, query, filters, page, per_page, relaxed)
        if results.total == 0:
            results.nearest = self.nearest(query)
        return results

    def nearest_search(self, query, limit=NEAREST):
        """The Search for the titles holding most of the query's pieces, as the database
        backend ranks them (None when the query has none): each piece a constant-score
        wildcard on the title worth its weight, so that a title's score is the sum."""
        pieces = near_pieces(query)
        if not pieces:
            return None
        should = [
            Q(
                "wildcard",
                **{"title.raw": {"value": f"*{piece}*", "boost": weight, "case_insensitive": True}},
            )
            for piece, weight in pieces
        ]
        return (
            Search(using=self.client, index=self.index_name)
            .query("bool", should=should, minimum_should_match=1)
            .extra(min_score=MIN_NEARNESS)
            .sort("_score", {"status_rank": "asc"}, {"title.raw": "asc"})
            .source(["title", "url"])[:limit]
        )

    def nearest(self, query, limit=NEAREST):
        search = self.nearest_search(query, limit)
        if search is None:
            return []
        return [NearTitle(hit.title, hit.url) for hit in search.execute()]

    def parse(self, response, query, filters, page, per_page, relaxed=False):
        """SearchResults from an executed FacetedSearch response."""
        filters = clean_filters(filters)
        since = recently_updated_cutoff()
        return SearchResults(
            query=query,
            filters=filters,
            total=response.hits.total.value,
            page=page,
            per_page=per_page,
            hits=[self._hit(doc, since) for doc in response],
            facets=self._facets(response, filters),
            backend=self.name,
            relaxed=relaxed,
        )

    @staticmethod
    def _hit(doc, since):
        def aware(value):
            if isinstance(value, datetime) and timezone.is_naive(value):
                return timezone.make_aware(value, timezone.utc)
            return value

        updated_at = aware(doc.updated_at)
        return Hit(
            textbook_id=doc.textbook_id,
            title=doc.title,
            slug=doc.slug,
            url=doc.url,
            isbn=doc.isbn,
            tier=(list(doc.tier) or [""])[0],
            co_developed=TRUE in doc.co_developed,
            status=(list(doc.status) or [Status.IN_USE])[0],
            edition_version=doc.edition_version or "",
            edition_published_at=aware(doc.edition_published_at),
            updated_at=updated_at,
            recently_updated=updated_at >= since,
            score=float(doc.meta.score or 0.0),
            labels=doc.labels.to_dict() if doc.labels else {},
            status_note=doc.status_note or "",
        )

    @staticmethod
    def _facets(response, filters):
        values = response.facets
        wanted = {(key, value) for key in STORED_FACET_KEYS for value, _n, _s in values[key]}
        labels = {
            (facet, value): label
            for facet, value, label in CatalogueFacet.objects.filter(
                facet__in={k for k, _v in wanted}, value__in={v for _k, v in wanted}
            ).values_list("facet", "value", "label")
        }
        labels.update({(RECENTLY_UPDATED, TRUE): str(RECENTLY_UPDATED_LABEL)})
        results = []
        chosen = None  # labels of selected values no hit has, read only when there is one
        for facet in FACETS:
            selected = set(filters.get(facet.key, ()))
            options = [
                FacetOption(value, labels.get((facet.key, value), value), count, value in selected)
                for value, count, _selected in values[facet.key]
            ]
            seen = {o.value for o in options}
            missing = sorted(selected - seen)
            if missing and chosen is None:
                chosen = selected_labels(filters)
            options += [FacetOption(v, chosen.get((facet.key, v), v), 0, True) for v in missing]
            results.append(FacetResult.shown(facet.key, str(facet.label), options))
        return results
