"""Keep each textbook's lifecycle in step with the catalogue and its editions, and archive
what is published.

The lifecycle receivers run inside the transaction that saved the row, so a textbook never
exists without its lifecycle and an edition is never published without restarting the
clocks. The archive is written once publishing has committed.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from textbooks.models import Textbook
from workflow import tasks
from workflow.models import Edition, TextbookLifecycle
from workflow.services.lifecycle import record_edition
from workflow.signals import edition_published


@receiver(post_save, sender=Textbook)
def create_lifecycle(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        TextbookLifecycle.objects.get_or_create(textbook=instance)


@receiver(post_save, sender=Edition)
def restart_clocks(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        record_edition(instance, by=instance.published_by)


@receiver(edition_published)
def archive_published_edition(sender, edition, **kwargs):
    tasks.archive_published_edition.enqueue(edition.pk)
