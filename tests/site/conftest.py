"""A published textbook built the real way (review cases, editions), indexed for search."""

import pytest

from tests.workflow.conftest import add_leaf, edit_leaf, published_edition
from textbooks import roles
from workflow.models import CaseKind

__all__ = ["add_leaf", "edit_leaf", "publish"]


@pytest.fixture
def publish(users, make_user, django_capture_on_commit_callbacks):
    """publish(textbook, kind=..., **extra) -> Edition: submitted by ``author``, passed by a
    subject expert, published by the national administrator; the search index updated."""
    reviewer = make_user("site_reviewer", roles.REVIEWER)

    def run(textbook, kind=CaseKind.INITIAL, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return published_edition(
                textbook, users["author"], reviewer, users["national"], kind, **extra
            )

    return run


@pytest.fixture
def cnc(users, make_textbook, publish):
    """A school-tier textbook with two leaves, published as 1.0 and revised as 1.1 (leaf 2
    rewritten)."""
    author = users["author"]
    textbook = make_textbook(author, tier="school", title="数控铣削编程", slug="cnc-milling")
    leaves = [
        add_leaf(textbook, "unit-1", "第一版：对刀与坐标系", author),
        add_leaf(textbook, "unit-2", "第一版：轮廓铣削", author),
    ]
    first = publish(textbook)
    edit_leaf(leaves[1], "第二版：轮廓铣削与刀具半径补偿", author)
    second = publish(textbook, CaseKind.MINOR, change_categories=["new_process"])
    return {"textbook": textbook, "leaves": leaves, "editions": [first, second]}
