"""Fixtures for the review workflow: a textbook with leaves, and a case at any state."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.users.models import UserProfile

from textbooks import roles
from textbooks.models import UnitPage
from workflow import services
from workflow.models import CaseKind, ReviewCase

SCORES = {"ideological_soundness": 5, "scientific_accuracy": 4, "suitability": 4}


def rich(text):
    return [{"type": "rich_text", "value": f"<p>{text}</p>"}]


def add_leaf(textbook, slug, text, user):
    """A new draft leaf, saved once as a revision (as an author does in the admin)."""
    leaf = UnitPage(title=f"单元 {slug}", slug=slug, live=False, owner=user, body=rich(text))
    textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=user)
    return UnitPage.objects.get(pk=leaf.pk)


def edit_leaf(leaf, text, user):
    leaf = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
    leaf.body = rich(text)
    return leaf.save_revision(user=user)


def documents():
    return {
        "usage_report": ContentFile(b"%PDF-1.4 usage", name="usage.pdf"),
        "change_table": ContentFile(b"%PDF-1.4 table", name="table.pdf"),
    }


def prefers(user, language):
    """``user``, having chosen ``language`` in the admin's account settings ("" for none)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def due():
    return timezone.localdate() + datetime.timedelta(days=14)


@pytest.fixture
def world(users, make_user, make_textbook):
    """A Jiangsu school-tier textbook (one subject expert required) by ``author`` with two
    leaves: the national and the Jiangsu administrators administer it."""
    users["reviewer2"] = make_user("reviewer2", roles.REVIEWER)
    textbook = make_textbook(users["author"], tier="school", province="JS")
    leaves = [
        add_leaf(textbook, "unit-1", "第一版内容一", users["author"]),
        add_leaf(textbook, "unit-2", "第一版内容二", users["author"]),
    ]
    return {"users": users, "textbook": textbook, "leaves": leaves}


def submitted_case(textbook, author, kind=CaseKind.INITIAL, **extra):
    case = services.open_case(textbook, user=author, kind=kind)
    if kind != CaseKind.INITIAL:
        extra = {**documents(), "change_categories": ["new_technology"], **extra}
    return services.submit(case, user=author, change_summary="修订说明", **extra)


def passed_case(textbook, author, reviewer, admin, kind=CaseKind.INITIAL, **extra):
    """A case submitted, assigned to ``reviewer`` on the subject track, passed, and decided."""
    case = submitted_case(textbook, author, kind, **extra)
    assignment = services.assign_reviewer(
        case, user=admin, reviewer=reviewer, track_kind="subject", due_date=due()
    )
    services.record_opinion(
        assignment, user=reviewer, scores=SCORES, comment="同意", outcome="pass"
    )
    return services.decide(ReviewCase.objects.get(pk=case.pk), user=admin)


def published_edition(textbook, author, reviewer, admin, kind=CaseKind.INITIAL, **extra):
    case = passed_case(textbook, author, reviewer, admin, kind, **extra)
    return services.publish(case, user=admin)


@pytest.fixture
def published(world):
    """``world`` with its first edition (1.0) published."""
    u = world["users"]
    world["edition"] = published_edition(
        world["textbook"], u["author"], u["reviewer"], u["national"]
    )
    return world


@pytest.fixture
def empty_cache():
    """The erratum rate limit counts in the cache: start and end each test without counts."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
