"""Helpers for the planning tests: a batch brought to any stage through the services."""

import datetime

import pytest
from django.utils import timezone

from textbooks import roles
from workflow.models import EntryState, PlanBatch, PlanTier
from workflow.services import planning

GOOD = {"ideological_soundness": 5, "scientific_accuracy": 5, "suitability": 4}
FAIR = {"ideological_soundness": 4, "scientific_accuracy": 3, "suitability": 3}


def due():
    return timezone.localdate() + datetime.timedelta(days=10)


def national_batch(admin, **rules):
    fields = {"co_development_required": False} | rules
    return planning.create_batch(
        user=admin, tier=PlanTier.NATIONAL, title="2026年国家规划教材第一批", year=2026, **fields
    )


def applied(batch, admin, textbooks):
    """``batch`` opened, each textbook applied by its editor-in-chief."""
    batch = planning.open_batch(batch, user=admin)
    entries = [planning.apply(batch, t, user=t.editor_in_chief) for t in textbooks]
    return PlanBatch.objects.get(pk=batch.pk), entries


def reviewed(batch, admin, experts, scores):
    """``batch`` from applied through formal check and expert review: entry i scored
    ``scores[i]`` (a dict, or None: not recommended) by every expert."""
    batch = planning.start_formal_check(batch, user=admin)
    planning.check_all(batch, user=admin)
    batch = planning.start_expert_review(batch, user=admin)
    for entry, score in zip(batch.entries.order_by("pk"), scores, strict=True):
        if entry.state != EntryState.ELIGIBLE:
            continue
        for expert in experts:
            assignment = planning.assign_expert(entry, user=admin, expert=expert, due_date=due())
            planning.record_score(
                assignment, user=expert, scores=score or FAIR, recommend=score is not None
            )
    return PlanBatch.objects.get(pk=batch.pk)


@pytest.fixture
def experts(make_user):
    return [make_user(f"expert{i}", roles.REVIEWER) for i in (1, 2)]


@pytest.fixture
def in_notice(users, make_textbook, experts):
    """A national batch in public notice, quota 2: three textbooks applied, the first two
    recommended (best two scores), the third passed over."""
    admin = users["national"]
    textbooks = [make_textbook(users["author"], tier="school") for _ in range(3)]
    batch = national_batch(admin, quota=2)
    batch, _entries = applied(batch, admin, textbooks)
    batch = reviewed(batch, admin, experts, [GOOD, GOOD, FAIR])
    batch = planning.start_notice(batch, user=admin)
    return {"batch": batch, "admin": admin, "textbooks": textbooks, "users": users}
