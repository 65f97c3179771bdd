"""Publishing an approved case as a numbered edition, and looking editions up."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction

from textbooks.i18n import in_record_language
from textbooks.publication import reviewed_publication
from workflow import notifications
from workflow.models import CaseKind, ChangeType, Edition, EditionLeaf
from workflow.services.assets import publish_assets
from workflow.services.changes import reviewed_order
from workflow.services.errata import mark_fixed
from workflow.services.errors import conflict_when_busy
from workflow.services.review import (
    apply_transition,
    check_transition,
    lock,
    require_administrator,
)
from workflow.signals import edition_published


def current_edition(textbook):
    """The textbook's current Edition, or None before its first publication."""
    return Edition.objects.current().filter(textbook=textbook).first()


def next_version(previous, kind):
    """(major, minor) of the edition a case of ``kind`` publishes after ``previous``.

    1.0 first; a major revision starts the next major version; minor and corrective
    revisions count up the minor version.
    """
    if previous is None:
        return (1, 0)
    if kind == CaseKind.MAJOR:
        return (previous.major + 1, 0)
    return (previous.major, previous.minor + 1)


def _publish_revision(revision, user):
    page = revision.content_object
    if page.live and page.live_revision_id == revision.pk:
        return
    revision.publish(user=user, skip_permission_checks=True)


@conflict_when_busy()
def publish(case, *, user):
    """Publish exactly the pinned revisions of an approved case, in the pinned order, and
    create its Edition.

    Anything saved or reordered after approval waits for the next case. The previous edition
    is superseded and linked to its successor; ``edition_published`` is sent once the
    transaction commits.
    """
    with transaction.atomic():
        case = lock(case)
        require_administrator(case, user)
        check_transition(case, "publish")
        textbook = case.textbook
        previous = (
            Edition.objects.select_for_update().filter(textbook=textbook, is_current=True).first()
        )
        pins = list(case.pinned_revisions.select_related("revision", "page"))

        # The one place textbook pages are published (textbooks.publication).
        with reviewed_publication():
            _publish_revision(case.textbook_revision, user)
            for pin in pins:
                if pin.change_type == ChangeType.REMOVED:
                    UnpublishPageAction(pin.page.specific, user=user).execute(
                        skip_permission_checks=True
                    )
                elif pin.change_type != ChangeType.REORDERED:
                    _publish_revision(pin.revision, user)

        previous_rows = list(previous.leaves.order_by("position")) if previous else []
        manifest = {row.page_id: row.revision_id for row in previous_rows}
        for pin in pins:
            if pin.change_type == ChangeType.REMOVED:
                manifest.pop(pin.page_id, None)
            else:
                manifest[pin.page_id] = pin.revision_id

        now = timezone.now()
        if previous is not None:
            previous.is_current = False
            previous.superseded_at = now
            previous.save(update_fields=["is_current", "superseded_at"])
        major, minor = next_version(previous, case.kind)
        edition = Edition.objects.create(
            textbook=textbook,
            review_case=case,
            major=major,
            minor=minor,
            textbook_revision=case.textbook_revision,
            published_at=now,
            published_by=user,
            change_summary=case.change_summary,
            change_categories=case.change_categories,
        )
        EditionLeaf.objects.bulk_create(
            EditionLeaf(edition=edition, page_id=pk, revision_id=manifest[pk], position=position)
            for position, pk in enumerate(
                reviewed_order([row.page_id for row in previous_rows], pins)
            )
        )
        publish_assets(case, edition)
        if previous is not None:
            previous.successor = edition
            previous.save(update_fields=["successor"])
        mark_fixed(case, edition)
        with in_record_language():
            reason = _("发布第 %s 版") % edition.version
        apply_transition(case, "publish", by=user, reason=reason)
        transaction.on_commit(lambda: edition_published.send(sender=Edition, edition=edition))
        transaction.on_commit(lambda: notifications.edition_published(edition))
        return edition
