"""Index updates as django-tasks tasks (ImmediateBackend unless settings.TASKS says otherwise)."""

from django.db import transaction
from django_tasks import task

from cms.search import service


@task()
def index_textbook(textbook_id):
    """Re-index one textbook from its published state (removes it if nothing is published)."""
    return service.reindex_textbook(textbook_id)


@task()
def index_textbooks(textbook_ids):
    """Re-index several textbooks (after a lifecycle sweep moved them)."""
    return sum(service.reindex_textbook(textbook_id) for textbook_id in textbook_ids)


@task()
def remove_textbook(textbook_id):
    service.unindex_textbook(textbook_id)


def schedule_index(textbook_id):
    """Enqueue ``index_textbook`` once the current transaction commits (or now, outside one)."""
    transaction.on_commit(lambda: index_textbook.enqueue(textbook_id))
