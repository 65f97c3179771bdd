"""What keeps the catalogue index current: publication events, each re-indexing one textbook.

- workflow's edition_published, sent after a new edition commits: the index holds what the
  current edition pins (documents.build_document), so this is the one content event (pages
  are published only by the workflow, textbooks.publication);
- a lifecycle transition of one textbook (suspension, retirement, restoration …): its status;
- workflow's lifecycles_moved, sent by the daily sweep after set-based moves: the entries of
  the textbooks moved whose status disagrees with their lifecycle, in one UPDATE
  (cms.search.service.lifecycle_changed).
Deleting a TextbookPage removes its textbook's entries.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_fsm.signals import post_transition

from cms.search import service
from cms.search.tasks import schedule_index
from textbooks.models import TextbookPage
from workflow.models import TextbookLifecycle
from workflow.signals import edition_published, lifecycles_moved


@receiver(post_delete, sender=TextbookPage)
def textbook_page_deleted(sender, instance, **kwargs):
    schedule_index(instance.textbook_id)


@receiver(edition_published)
def edition_changed(sender, edition, **kwargs):
    schedule_index(edition.textbook_id)


@receiver(post_transition, sender=TextbookLifecycle)
def lifecycle_transition(sender, instance, **kwargs):
    if "exception" not in kwargs:
        schedule_index(instance.textbook_id)


@receiver(lifecycles_moved)
def lifecycles_moved_in_bulk(sender, textbook_ids, **kwargs):
    service.lifecycle_changed(textbook_ids)
