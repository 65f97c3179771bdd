"""Two administrators decide one case at the same moment from two connections."""

import threading

import pytest
from django.db import connection

from workflow import services
from workflow.models import AuditLogEntry, CaseState, ReviewCase

from .conftest import SCORES, due, submitted_case

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (SQLite has no row locks); runs in make test's PostgreSQL pass",
    ),
]


def test_concurrent_decisions_exactly_one_applies(transactional_db, world, make_user):
    from textbooks import roles

    u = world["users"]
    second_admin = make_user("national2", roles.NATIONAL_ADMIN)
    case = submitted_case(world["textbook"], u["author"])
    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    services.record_opinion(
        assignment, user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    barrier = threading.Barrier(2)
    results = {}

    def decide(admin):
        seen = ReviewCase.objects.get(pk=case.pk)  # both read "in review"
        barrier.wait()
        try:
            services.decide(seen, user=admin)
            results[admin.username] = "applied"
        except services.WorkflowError as exc:
            results[admin.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in (u["national"], second_admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    outcomes = sorted(results.values(), key=lambda r: r != "applied")
    assert outcomes[0] == "applied"
    assert isinstance(outcomes[1], services.ReviewConflict)
    assert "已被他人处理（当前状态：审核通过）" in outcomes[1].message
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.APPROVED
    assert AuditLogEntry.objects.for_object(case).filter(transition="approve").count() == 1


def test_a_cancel_racing_a_decision_gets_the_conflict_message(transactional_db, world, make_user):
    from textbooks import roles

    u = world["users"]
    second_admin = make_user("national2", roles.NATIONAL_ADMIN)
    case = submitted_case(world["textbook"], u["author"])
    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    services.record_opinion(
        assignment, user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    barrier = threading.Barrier(2)
    results = {}

    def act(name, operation):
        seen = ReviewCase.objects.get(pk=case.pk)  # both read "in review"
        barrier.wait()
        try:
            operation(seen)
            results[name] = "applied"
        except services.WorkflowError as exc:
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act, args=("decide", lambda c: services.decide(c, user=u["national"]))
        ),
        threading.Thread(
            target=act,
            args=("cancel", lambda c: services.cancel(c, user=second_admin, reason="撤销")),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    [winner] = [name for name, result in results.items() if result == "applied"]
    [loser] = [result for result in results.values() if result != "applied"]
    assert isinstance(loser, services.ReviewConflict)
    final = ReviewCase.objects.get(pk=case.pk).state
    assert final == {"decide": CaseState.APPROVED, "cancel": CaseState.CANCELLED}[winner]
    assert (
        f"已被他人处理（当前状态：{ReviewCase.objects.get(pk=case.pk).get_state_display()}）"
        in (loser.message)
    )
    assert AuditLogEntry.objects.for_object(case).filter(to_state=final).count() == 1
