"""The demo's planning: a national batch in notice with recommended entries and one
objection, a published Jiangsu list, a school-based filing acknowledged and one returned."""

import pytest

from workflow.models import (
    BatchState,
    EntryState,
    FilingState,
    Objection,
    ObjectionState,
    PlanBatch,
    SchoolFiling,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_batch_in_notice_a_published_list_and_answered_filings(
    demo_catalogue, client
):
    notice = PlanBatch.objects.get(state=BatchState.PUBLIC_NOTICE)
    assert notice.tier == "national"
    recommended = notice.entries.filter(state=EntryState.RECOMMENDED)
    assert recommended.count() == 2
    assert notice.entries.filter(state=EntryState.NOT_RECOMMENDED).count() == 1
    objection = Objection.objects.get()
    assert objection.entry.batch == notice and objection.state == ObjectionState.OPEN

    published = PlanBatch.objects.get(state=BatchState.PUBLISHED)
    assert (published.tier, published.province) == ("provincial", "JS")
    listed = {e.textbook.slug: e.textbook.tier for e in published.entries.all()}
    assert listed == {"cnc-process": "provincial", "basic-nursing": "national"}

    assert sorted(SchoolFiling.objects.values_list("state", flat=True)) == [
        FilingState.ACKNOWLEDGED,
        FilingState.RETURNED,
    ]
    page = client.get("/notices/").content.decode()
    assert notice.title in page and published.title in page
    detail = client.get(f"/notices/{notice.pk}/").content.decode()
    assert all(e.textbook.title in detail for e in recommended)
    assert client.get(f"/api/v1/plans/{published.pk}/").json()["textbooks"][0]["title"]
