"""Publishing publishes exactly the pinned revisions and numbers editions by kind."""

import pytest
from django.db import IntegrityError, transaction

from textbooks.models import UnitPage
from workflow import services
from workflow.models import CaseKind, CaseState, Edition, ReviewCase

from .conftest import add_leaf, edit_leaf, passed_case, published_edition


def live_body(leaf):
    return UnitPage.objects.get(pk=leaf.pk).body.raw_data[0]["value"]


def test_first_edition_is_1_0_and_publishes_every_leaf(world):
    u = world["users"]
    edition = published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    assert edition.version == "1.0"
    assert edition.is_current
    assert [row.page_id for row in edition.leaves.all()] == [leaf.pk for leaf in world["leaves"]]
    for leaf in world["leaves"]:
        page = UnitPage.objects.get(pk=leaf.pk)
        assert page.live
    assert ReviewCase.objects.get(pk=edition.review_case_id).state == CaseState.PUBLISHED
    assert services.current_edition(world["textbook"]) == edition


def test_edit_saved_after_approval_is_not_published(world):
    u = world["users"]
    leaf = world["leaves"][0]
    case = passed_case(world["textbook"], u["author"], u["reviewer"], u["national"])
    edit_leaf(leaf, "批准之后的改动", u["author"])
    edition = services.publish(case, user=u["national"])

    page = UnitPage.objects.get(pk=leaf.pk)
    assert live_body(leaf) == "<p>第一版内容一</p>"
    assert page.has_unpublished_changes  # the late edit waits for the next review
    pinned = {pin.page_id: pin.revision_id for pin in case.pinned_revisions.all()}
    for row in edition.leaves.all():
        assert UnitPage.objects.get(pk=row.page_id).live_revision_id == pinned[row.page_id]


@pytest.mark.parametrize(
    ("kind", "version"),
    [(CaseKind.MINOR, "1.1"), (CaseKind.CORRECTIVE, "1.1"), (CaseKind.MAJOR, "2.0")],
)
def test_version_follows_kind(world, kind, version):
    u = world["users"]
    first = published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    edit_leaf(world["leaves"][1], "第二版内容二", u["author"])
    second = published_edition(
        world["textbook"], u["author"], u["reviewer"], u["national"], kind=kind
    )
    assert second.version == version
    first.refresh_from_db()
    assert not first.is_current and first.successor == second
    assert first.superseded_at is not None
    assert list(Edition.objects.current().filter(textbook=world["textbook"])) == [second]
    # The manifest keeps the unchanged leaf at its old revision, the changed one at the new.
    manifest = {row.page_id: row.revision_id for row in second.leaves.all()}
    old = {row.page_id: row.revision_id for row in first.leaves.all()}
    assert manifest[world["leaves"][0].pk] == old[world["leaves"][0].pk]
    assert manifest[world["leaves"][1].pk] != old[world["leaves"][1].pk]
    assert live_body(world["leaves"][1]) == "<p>第二版内容二</p>"


def test_minor_after_major_counts_from_the_new_major(world):
    u = world["users"]
    args = (world["textbook"], u["author"], u["reviewer"], u["national"])
    published_edition(*args)
    for n, kind in enumerate([CaseKind.MAJOR, CaseKind.MINOR, CaseKind.MINOR]):
        edit_leaf(world["leaves"][0], f"改动 {n}", u["author"])
        edition = published_edition(*args, kind=kind)
    assert edition.version == "2.2"
    versions = [e.version for e in Edition.objects.filter(textbook=world["textbook"])]
    assert versions == ["2.2", "2.1", "2.0", "1.0"]
    chain = Edition.objects.get(textbook=world["textbook"], major=1)
    walked = []
    while chain is not None:
        walked.append(chain.version)
        chain = chain.successor
    assert walked == ["1.0", "2.0", "2.1", "2.2"]


def test_added_and_removed_leaves(world):
    u = world["users"]
    args = (world["textbook"], u["author"], u["reviewer"], u["national"])
    first = published_edition(*args)
    new_leaf = add_leaf(world["textbook"], "unit-3", "新增活页", u["author"])
    changes = services.leaf_changes(world["textbook"], remove=[world["leaves"][0].pk])
    assert [(c.page.pk, c.change_type) for c in changes] == [
        (world["leaves"][0].pk, "removed"),
        (new_leaf.pk, "added"),
    ]
    second = published_edition(*args, kind=CaseKind.MINOR, remove=[world["leaves"][0].pk])
    assert [row.page_id for row in second.leaves.all()] == [world["leaves"][1].pk, new_leaf.pk]
    assert not UnitPage.objects.get(pk=world["leaves"][0].pk).live
    assert UnitPage.objects.get(pk=new_leaf.pk).live
    # The old edition still lists the removed leaf.
    assert world["leaves"][0].pk in [row.page_id for row in first.leaves.all()]


def test_database_allows_one_current_edition_per_textbook(world):
    u = world["users"]
    edition = published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.create(
            textbook=edition.textbook,
            review_case=ReviewCase.objects.create(
                textbook=edition.textbook, kind="minor", submitted_by=u["author"]
            ),
            major=9,
            minor=0,
            textbook_revision=edition.textbook_revision,
            published_at=edition.published_at,
            published_by=u["national"],
            is_current=True,
        )


def test_next_version_rule():
    class Previous:
        major, minor = 3, 4

    assert services.next_version(None, CaseKind.INITIAL) == (1, 0)
    assert services.next_version(Previous, CaseKind.MINOR) == (3, 5)
    assert services.next_version(Previous, CaseKind.CORRECTIVE) == (3, 5)
    assert services.next_version(Previous, CaseKind.MAJOR) == (4, 0)
