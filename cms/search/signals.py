"""What keeps the catalogue index current: publication events, each re-indexing one textbook.

- Wagtail's page_published / page_unpublished for a TextbookPage or one of its leaves (direct
  publishing, unpublishing, and the revisions an approved review publishes);
- workflow's edition_published, sent after a new edition commits (it becomes the current edition
  shown in results, and the superseded one stops being shown);
- a lifecycle transition of one textbook (suspension, retirement, restoration …): its status;
- workflow's lifecycles_moved, sent by the daily sweep after set-based moves: every entry
  whose status disagrees with its lifecycle, in one UPDATE (cms.search.service.lifecycle_changed).
Deleting a TextbookPage removes its textbook's entries.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django_fsm.signals import post_transition
from wagtail.signals import page_published, page_unpublished

from cms.search import service
from cms.search.tasks import schedule_index
from textbooks.models import TextbookPage, UnitPage
from workflow.models import TextbookLifecycle
from workflow.signals import edition_published, lifecycles_moved


def _textbook_id(page):
    if isinstance(page, TextbookPage):
        return page.textbook_id
    if isinstance(page, UnitPage):
        parent = page.get_parent()
        parent = parent.specific if parent is not None else None
        if isinstance(parent, TextbookPage):
            return parent.textbook_id
    return None


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs):
    textbook_id = _textbook_id(instance.specific)
    if textbook_id is not None:
        schedule_index(textbook_id)


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
def lifecycles_moved_in_bulk(sender, **kwargs):
    service.lifecycle_changed()
