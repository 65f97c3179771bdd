"""The load test's scenario (benchmarks/load_test.py) at a tiny size against the live server:
teachers read, committees add lines, approve and file, reviewers give opinions and two
administrators decide one case at once. No errors, and the writes are in the database. No
timing: speed is measured by the benchmark itself."""

import importlib.util
from pathlib import Path

from django.conf import settings as django_settings
from django.db import connection

from workflow.models import Opinion, ReviewCase, SelectionPlan, SelectionState

SCRIPT = Path(django_settings.BASE_DIR) / "benchmarks" / "load_test.py"
spec = importlib.util.spec_from_file_location("load_test", SCRIPT)
load_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load_test)

REQUESTS = 60  # the smallest run with one session of each kind of writing, and some reading


def clients():
    """Three at once, except on SQLite in memory: there the live server's threads share the
    test's one connection (Django's LiveServerThread), so simultaneous transactions would
    interleave on it, which no deployment does; they take turns."""
    return 1 if connection.vendor == "sqlite" and connection.is_in_memory_db() else 3


def test_the_load_scenario_at_a_tiny_size_answers_without_errors_and_writes(live_demo):
    load_test.prepare(REQUESTS, stdout=lambda line: None)

    samples, _seconds, checked = load_test.run(live_demo, REQUESTS, clients(), seed=1)

    assert [(s.kind, s.detail) for s in samples if s.outcome == "error"] == []
    assert len(samples) == REQUESTS
    # The second administrator deciding the same case is refused, with the message that
    # someone else has handled it.
    assert [s.kind for s in samples if s.outcome == "expected"] == ["decide POST"]
    assert checked == {
        "opinions recorded": (1, 1),
        "cases decided": (1, 1),
        "plans approved": (1, 1),
        "plans filed": (1, 1),
    }
    load_cases = ReviewCase.objects.filter(textbook__slug__startswith=load_test.TEXTBOOK_PREFIX)
    assert load_cases.filter(decided_at__isnull=False, state="approved").count() == 1
    assert (
        Opinion.objects.filter(
            assignment__track__case__in=load_cases, comment__startswith="负载测试"
        ).count()
        == 2
    )  # one written in --prepare, one through the review screen
    plans = SelectionPlan.objects.filter(school__name__startswith=load_test.SCHOOL_PREFIX)
    approved = plans.get(state=SelectionState.APPROVED)
    assert approved.lines.count() == 2  # one line from each member
    assert plans.filter(state=SelectionState.FILED).count() == 1
