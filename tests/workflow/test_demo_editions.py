"""The demo's content reaches the public through the review workflow, as editions."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from textbooks.models import Textbook, UnitPage
from workflow.models import AuditLogEntry, CaseState, Edition, ReviewCase

pytestmark = pytest.mark.django_db


def test_demo_textbooks_are_published_as_reviewed_editions():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))  # idempotent
    # Every textbook but the one the demo retires before publication (cms/demo DEMO_RETIRED).
    for textbook in Textbook.objects.exclude(slug="cnc-lathe-2019"):
        current = Edition.objects.current().get(textbook=textbook)
        assert current.version == ("1.1" if textbook.slug == "cnc-programming" else "1.0")
        live = {leaf.pk: leaf.live_revision_id for leaf in UnitPage.objects.child_of(textbook.page)}
        assert live == {row.page_id: row.revision_id for row in current.leaves.all()}
    cnc = Edition.objects.get(textbook__slug="cnc-programming", major=1, minor=0)
    assert cnc.successor.version == "1.1"
    # Published, but for the corrective case the demo's failed sampling check opened.
    [corrective] = ReviewCase.objects.exclude(state=CaseState.PUBLISHED)
    assert (corrective.kind, corrective.state) == ("corrective", CaseState.DRAFT)
    assert corrective.sampling_checks.get().state == "rectifying"
    published = AuditLogEntry.objects.filter(
        to_state="published", content_type=ContentType.objects.get_for_model(ReviewCase)
    )
    assert published.count() == Edition.objects.count()
