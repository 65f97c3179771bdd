"""Only published content reaches the index: drafts and textbooks without a current edition
never do; each published edition keeps it current (tests/site/test_publishing_closed.py: the
index holds what the edition pins, never live pages)."""

import pytest

from cms.search import service
from cms.search.models import CatalogueEntry

pytestmark = pytest.mark.usefixtures("database_only")


def test_a_textbook_whose_page_is_a_draft_has_no_entry(db, make_textbook, users):
    textbook = make_textbook(users["author"], title="量子计算导论")
    assert service.reindex_textbook(textbook.pk) is False
    assert not CatalogueEntry.objects.filter(textbook=textbook).exists()
    assert service.search("量子计算").total == 0


def test_results_show_the_current_edition_and_only_while_there_is_one(
    db, make_textbook, users, django_capture_on_commit_callbacks
):
    from tests.workflow.conftest import add_leaf, published_edition
    from workflow.models import Edition

    textbook = make_textbook(users["author"], title="量子计算导论", tier="school")
    add_leaf(textbook, "unit-1", "量子比特与叠加态", users["author"])
    with django_capture_on_commit_callbacks(execute=True):
        edition = published_edition(textbook, users["author"], users["reviewer"], users["national"])
    hit = service.search("叠加态").hits[0]
    assert (hit.slug, hit.edition_version) == (textbook.slug, edition.version)
    assert hit.edition_published_at == edition.published_at

    Edition.objects.filter(pk=edition.pk).update(is_current=False)
    assert service.reindex_textbook(textbook.pk) is False
    assert service.search("量子").total == 0
