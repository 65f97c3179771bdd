"""Signals of the workflow app, and the audit-log receiver.

``edition_published`` is sent after the publishing transaction commits, with
``sender=Edition`` and ``edition=<the new Edition>``; ``edition.predecessor`` (if any) is
the edition it superseded. Connect to it for search indexing, archives and the like.
"""

from django.contrib.contenttypes.models import ContentType
from django.dispatch import Signal, receiver
from django_fsm.signals import post_transition

from workflow.models import AuditLogEntry

edition_published = Signal()
# Sent inside the daily sweep's transaction after its set-based moves (bulk_transition sends
# no post_transition per row), with ``sender=TextbookLifecycle`` and ``textbook_ids=`` (a
# list: the textbooks whose lifecycles moved). Receivers stay set-based: the sweep's number of
# queries must not grow with the number of textbooks moved.
lifecycles_moved = Signal()
# Sent after the transaction that retired a textbook commits, with ``sender=Textbook``,
# ``textbook=``, ``successor=`` (a Textbook or None) and ``reason=`` (the retirement
# proposal's reason code, RetirementProposal.Reason). Selection connects to it: it refuses
# new selections, flags existing ones and tells their schools.
textbook_retired = Signal()


@receiver(post_transition)
def write_audit_log(sender, instance, name, source, target, method_kwargs, **kwargs):
    """Every transition of every workflow state machine leaves one audit row.

    Transition methods take ``by`` and ``reason`` keyword arguments. The row is written in
    the service's transaction, so a transition that is rolled back leaves no row.
    """
    if "exception" in kwargs:
        return
    AuditLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=instance.pk,
        transition=name,
        from_state=source,
        to_state=target,
        actor=method_kwargs.get("by"),
        reason=method_kwargs.get("reason", ""),
    )
