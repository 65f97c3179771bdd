"""Keep each textbook's lifecycle in step with the catalogue and its editions.

Both run inside the transaction that saved the row, so a textbook never exists without its
lifecycle and an edition is never published without restarting the clocks.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from textbooks.models import Textbook
from workflow.models import Edition, TextbookLifecycle
from workflow.services.lifecycle import record_edition


@receiver(post_save, sender=Textbook)
def create_lifecycle(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        TextbookLifecycle.objects.get_or_create(textbook=instance)


@receiver(post_save, sender=Edition)
def restart_clocks(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        record_edition(instance, by=instance.published_by)
