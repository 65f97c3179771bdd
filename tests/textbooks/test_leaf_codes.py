"""Leaf codes: given once from the leaf's number, unique within the textbook, and kept through
edits, reordering, publishing old revisions and copies."""

from importlib import import_module

import pytest
from django.apps import apps

from textbooks.leaf_codes import new_code
from textbooks.models import UnitPage
from textbooks.publication import reviewed_publication

pytestmark = pytest.mark.django_db


def test_new_code_reads_the_number_else_takes_the_next_free_number():
    assert new_code("项目 2 任务 3", set()) == "2-3"
    assert new_code("任务 02", set()) == "2"
    assert new_code("项目 2 任务 3", {"2-3"}) == "2"
    assert new_code("项目二", {"1", "2"}) == "3"
    assert new_code("", {"1", "3"}) == "4"


def add(textbook, slug, number, user):
    leaf = UnitPage(title=f"活页 {slug}", slug=slug, number=number, live=False, owner=user)
    textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=user)
    return UnitPage.objects.get(pk=leaf.pk)


@pytest.fixture
def book(users, make_textbook):
    author = users["author"]
    textbook = make_textbook(author)
    leaves = [
        add(textbook, "a", "项目 1 任务 1", author),
        add(textbook, "b", "项目 1 任务 2", author),
        add(textbook, "c", "项目 1 任务 2", author),  # a typo in the number
        add(textbook, "d", "附录", author),
    ]
    return textbook, leaves, author


def test_codes_are_given_on_creation_and_unique_within_the_textbook(book, make_textbook):
    textbook, leaves, author = book
    assert [leaf.code for leaf in leaves] == ["1-1", "1-2", "3", "4"]
    other = add(make_textbook(author), "a", "项目 1 任务 1", author)
    assert other.code == "1-1"  # unique per textbook, not across the catalogue


def test_reordering_renumbering_and_publishing_keep_the_code(book):
    textbook, (first, second, *_rest), author = book
    second.move(first, pos="left")
    draft = UnitPage.objects.get(pk=second.pk).get_latest_revision_as_object()
    draft.number = "项目 9"
    with reviewed_publication():  # as the workflow publishes
        draft.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    assert UnitPage.objects.get(pk=second.pk).code == "1-2"


def test_a_revision_saved_before_the_leaf_had_a_code_keeps_it(book):
    textbook, (first, *_rest), author = book
    revision = first.latest_revision
    del revision.content["code"]
    revision.save()
    assert revision.as_object().code == "1-1"
    with reviewed_publication():
        revision.publish(user=author, skip_permission_checks=True)
    assert UnitPage.objects.get(pk=first.pk).code == "1-1"


def test_a_copy_is_a_new_leaf_with_a_code_of_its_own(book):
    textbook, (first, *_rest), author = book
    # Nobody copies leaves in the admin (only the workflow publishes, and a copy of a live
    # leaf would be live); code that does still gives the copy a code of its own.
    with reviewed_publication():
        copy = first.copy(update_attrs={"slug": "a-copy", "title": "副本"}, user=author)
    assert UnitPage.objects.get(pk=copy.pk).code == "5"


def test_the_migration_gives_existing_leaves_codes_in_book_order(book):
    textbook, leaves, author = book
    UnitPage.objects.update(code="")
    import_module("textbooks.migrations.0005_unitpage_code").fill_codes(apps, None)
    codes = UnitPage.objects.filter(pk__in=[leaf.pk for leaf in leaves]).order_by("path")
    assert list(codes.values_list("code", flat=True)) == ["1-1", "1-2", "3", "4"]
