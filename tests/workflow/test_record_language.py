"""What is written down stays in the site's language (Chinese) whoever acts: an administrator
who reads the admin in English publishes an edition, and its audit reasons and archive are
still Chinese, as everyone reading those records later expects."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from tests.workflow.conftest import published_edition
from workflow.archives import render_leaf, source_for_edition
from workflow.models import AuditLogEntry, ReviewCase, TextbookLifecycle

pytestmark = pytest.mark.django_db


def reasons(model, pk):
    return list(
        AuditLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=pk
        ).values_list("reason", flat=True)
    )


@pytest.fixture
def published_in_english(world, django_capture_on_commit_callbacks):
    u = world["users"]
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        edition = published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    return edition


def test_publishing_in_english_records_the_reasons_in_chinese(published_in_english):
    edition = published_in_english
    case = ReviewCase.objects.get(textbook=edition.textbook)
    lifecycle = TextbookLifecycle.objects.get(textbook=edition.textbook)
    assert "发布第 1.0 版" in reasons(ReviewCase, case.pk)
    assert "发布第 1.0 版" in reasons(TextbookLifecycle, lifecycle.pk)
    # The English reader still sees the English label where it is shown, not stored.
    with translation.override("en"):
        assert str(edition).endswith(", edition 1.0")


def test_an_edition_archive_is_rendered_in_chinese_whoever_publishes(published):
    """Archives are written when someone publishes, in that request: an English-speaking
    publisher must not turn the edition's permanent copy into an English page."""
    edition = published["edition"]
    _page, revision = source_for_edition(edition).leaves[0]
    with translation.override("en"):
        html = render_leaf(revision.as_object(), edition).decode()
    assert '<html lang="zh-hans">' in html
