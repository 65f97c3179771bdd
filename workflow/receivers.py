"""Keep each textbook's lifecycle in step with the catalogue and its editions, and archive
what is published.

The lifecycle receivers run inside the transaction that saved the row, so a textbook never
exists without its lifecycle and an edition is never published without restarting the
clocks. The archive is written once publishing has committed.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from textbooks.models import Textbook
from workflow import tasks
from workflow.models import Edition, LifecycleState, TextbookLifecycle
from workflow.services import selection
from workflow.services.lifecycle import record_edition
from workflow.services.sampling import record_corrective_edition
from workflow.services.selection_rules import OUT_OF_SERVICE
from workflow.signals import edition_published, lifecycles_moved


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


# Selection: a school's filed choice is flagged when its textbook leaves service or a new
# edition supersedes the one chosen (workflow.services.selection.flag_lines), and the flag a
# suspension set is cleared when the textbook is restored.
@receiver(post_transition, sender=TextbookLifecycle)
def flag_selections_of_textbook(sender, instance, name, source, target, **kwargs):
    if "exception" in kwargs:
        return
    if target in OUT_OF_SERVICE:
        selection.flag_textbook(instance.textbook, target)
    elif source == LifecycleState.SUSPENDED and name == "restore":
        selection.unflag_restored(instance.textbook)


@receiver(lifecycles_moved)
def flag_selections_after_sweep(sender, textbook_ids, **kwargs):
    selection.flag_out_of_service(textbook_ids)


@receiver(edition_published)
def flag_selections_of_superseded_edition(sender, edition, **kwargs):
    selection.flag_superseded(edition)


@receiver(edition_published)
def rectify_sampling_checks(sender, edition, **kwargs):
    """A corrective edition published by the deadline rectifies a failed sampling check."""
    record_corrective_edition(edition)
