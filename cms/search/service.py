"""The catalogue search service: one interface, two backends.

Reading: ``search()`` asks Elasticsearch when settings.ELASTICSEARCH_URL is set and falls back
to the database backend (logging a warning) when Elasticsearch cannot answer; otherwise it asks
the database backend. Writing: the database index is always kept (it is the fallback), and
Elasticsearch as well when configured. Both backends index the same CatalogueDocument.

An Elasticsearch write that fails (Elasticsearch down during a publish) does not undo the
publish nor the database index: the textbook goes into ElasticsearchBacklog, search answers
from the database until the backlog is empty (Elasticsearch would not find the new edition),
and ``retry_backlog`` (``manage.py catalog_index retry``, cron) writes it again.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cms.search.backends.database import DatabaseBackend
from cms.search.documents import build_document
from cms.search.models import ElasticsearchBacklog
from textbooks.models import Textbook

logger = logging.getLogger("cms.search")

MAX_PER_PAGE = 100


def elasticsearch_backend():
    """The Elasticsearch backend when configured, else None."""
    if not settings.ELASTICSEARCH_URL:
        return None
    from cms.search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(settings.ELASTICSEARCH_URL)


def backends():
    """Every backend that receives writes: the database always, Elasticsearch when set."""
    return [b for b in (DatabaseBackend(), elasticsearch_backend()) if b is not None]


def search(query="", filters=None, page=1, per_page=20):
    """Search the published catalogue.

    ``filters`` maps facet keys (cms.search.facets.FACET_KEYS) to lists of selected values;
    values within a facet are alternatives (OR), facets combine with AND. Returns a
    cms.search.results.SearchResults whose ``backend`` names the backend that answered.
    """
    page = max(1, int(page))
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    elastic = elasticsearch_backend()
    if elastic is not None and ElasticsearchBacklog.objects.exists():
        # Behind the database index: it would miss what the backlog lists.
        logger.warning(
            "Elasticsearch unavailable for index writes (backlog waiting for "
            "`manage.py catalog_index retry`); catalogue search answered by the database"
        )
        elastic = None
    if elastic is not None:
        from cms.search.backends.elasticsearch import UNAVAILABLE

        try:
            return elastic.search(query, filters, page, per_page)
        except UNAVAILABLE as error:
            logger.warning(
                "Elasticsearch unavailable (%s); catalogue search answered by the database", error
            )
    return DatabaseBackend().search(query, filters, page, per_page)


def reindex_textbook(textbook_id):
    """Bring one textbook's entries up to date: written if teachers may see it, else removed.

    Returns True when the textbook is indexed, False when it has no entry.
    """
    document = build_document(textbook_id)
    _write_everywhere(textbook_id, document)
    return document is not None


def _write_everywhere(textbook_id, document):
    """``document`` (None: no entry) into the database index, then Elasticsearch."""
    _write(DatabaseBackend(), textbook_id, document)
    elastic = elasticsearch_backend()
    if elastic is not None:
        _write_elasticsearch(elastic, textbook_id, document)


def _write(backend, textbook_id, document):
    if document is None:
        backend.remove(textbook_id)
    else:
        backend.index(document)


def _write_elasticsearch(elastic, textbook_id, document):
    """Write to Elasticsearch; when it cannot be reached, put the textbook in the backlog
    instead of failing (the caller's work, a publish, has committed). Returns success."""
    from cms.search.backends.elasticsearch import UNAVAILABLE

    try:
        _write(elastic, textbook_id, document)
    except UNAVAILABLE as error:
        logger.warning(
            "Elasticsearch unavailable (%s); textbook %s queued for re-indexing", error, textbook_id
        )
        ElasticsearchBacklog.objects.get_or_create(textbook_id=textbook_id)
        return False
    ElasticsearchBacklog.objects.filter(textbook_id=textbook_id).delete()
    return True


def retry_backlog():
    """Write again to Elasticsearch each textbook of the backlog, oldest first, stopping at
    the first failure (Elasticsearch still down). Returns (written, still waiting)."""
    waiting = list(ElasticsearchBacklog.objects.order_by("since").values_list("textbook_id"))
    elastic = elasticsearch_backend()
    written = 0
    for (textbook_id,) in waiting:
        if elastic is None:  # Elasticsearch no longer configured: nothing to catch up
            ElasticsearchBacklog.objects.filter(textbook_id=textbook_id).delete()
        elif not _write_elasticsearch(elastic, textbook_id, build_document(textbook_id)):
            break
        written += 1
    return written, len(waiting) - written


def lifecycle_changed(textbook_ids):
    """After set-based lifecycle moves of ``textbook_ids`` (the daily sweep): the database
    index takes their new statuses in one UPDATE inside the mover's transaction;
    Elasticsearch, when configured, re-indexes the changed textbooks in a task once that
    transaction commits."""
    database = DatabaseBackend()
    changed = []
    if elasticsearch_backend() is not None:
        stale = database.stale_statuses(textbook_ids)
        changed = list(stale.values_list("textbook_id", flat=True))
    database.sync_status(textbook_ids)
    if changed:
        from cms.search.tasks import index_textbooks

        transaction.on_commit(lambda: index_textbooks.enqueue(changed))


def unindex_textbook(textbook_id):
    _write_everywhere(textbook_id, None)


def rebuild(progress=None, batch_size=200):
    """Rebuild every index from the published catalogue; ``progress(done, total)`` per batch.

    Returns the number of textbooks indexed.
    """
    started = timezone.now()
    ids = list(Textbook.objects.order_by("pk").values_list("pk", flat=True))
    targets = backends()
    for backend in targets:
        backend.clear()
    indexed = 0
    for start in range(0, len(ids), batch_size):
        documents = [d for d in map(build_document, ids[start : start + batch_size]) if d]
        for backend in targets:
            backend.bulk_index(documents)
        indexed += len(documents)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    DatabaseBackend().refresh_terms()
    # Every textbook was written again: what failed before the rebuild began is caught up.
    ElasticsearchBacklog.objects.filter(since__lt=started).delete()
    return indexed


def refresh_terms(lock_timeout=None):
    """Choose the broad words whose facet counts the database index keeps (daily, cron).
    Returns (words kept, new, dropped); raises IndexBusy after ``lock_timeout`` seconds
    of waiting for index writes in flight, having changed nothing."""
    return DatabaseBackend().refresh_terms(lock_timeout=lock_timeout)
