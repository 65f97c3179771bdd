"""Revision cycles: the annual minor and three-year major revision, watched by the daily sweep."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.workflow.conftest import edit_leaf, passed_case, prefers, published_edition
from textbooks.models import Textbook
from workflow import services
from workflow.models import AuditLogEntry, CaseKind, RetirementProposal, TextbookLifecycle
from workflow.services.lifecycle import (
    add_months,
    is_recently_updated,
    set_clocks,
    sweep,
)
from workflow.tasks import run_lifecycle_sweep

pytestmark = pytest.mark.django_db
D = datetime.date


def state_of(textbook):
    return TextbookLifecycle.objects.get(textbook=textbook).state


def on(day):
    """Travel to 10:00 Beijing time on ``day``."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 10, tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


def sweep_on(day):
    with on(day):
        return sweep(day)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2022, 1, 10), 36) == D(2025, 1, 10)
    assert add_months(D(2024, 11, 20), -12) == D(2023, 11, 20)


def test_a_new_textbook_is_planned_and_its_first_edition_puts_it_in_use(world):
    textbook, u = world["textbook"], world["users"]
    assert state_of(textbook) == "planned"
    published_edition(textbook, u["author"], u["reviewer"], u["national"])
    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    assert lifecycle.state == "in_use"
    transitions = AuditLogEntry.objects.for_object(lifecycle).values_list("transition", "to_state")
    assert list(transitions) == [("start_development", "in_development"), ("enter_use", "in_use")]


def test_four_years_three_on_time_minor_revisions_and_a_missed_major(world):
    textbook, u = world["textbook"], world["users"]
    leaf = world["leaves"][0]
    people = (u["author"], u["reviewer"], u["national"])

    def publish(day, kind, text):
        with on(day):
            if kind != CaseKind.INITIAL:
                edit_leaf(leaf, text, u["author"])
            return published_edition(textbook, *people, kind=kind)

    publish(D(2022, 1, 10), CaseKind.INITIAL, "")  # 1.0: minor due 2023-01-10, major 2025-01-10
    sweep_on(D(2022, 11, 10))
    assert state_of(textbook) == "in_use"
    sweep_on(D(2022, 11, 11))  # 60 days before 2023-01-10
    assert state_of(textbook) == "revision_due"

    assert publish(D(2022, 12, 15), CaseKind.MINOR, "2022 修订").version == "1.1"
    assert state_of(textbook) == "in_use"  # the annual obligation is met
    sweep_on(D(2023, 10, 16))  # 60 days before 2023-12-15
    assert state_of(textbook) == "revision_due"
    publish(D(2023, 12, 1), CaseKind.MINOR, "2023 修订")  # 1.2
    assert state_of(textbook) == "in_use"

    sweep_on(D(2024, 10, 2))  # 60 days before 2024-12-01
    assert state_of(textbook) == "revision_due"
    assert publish(D(2024, 11, 20), CaseKind.MINOR, "2024 修订").version == "1.3"
    # The three-year major revision (due 2025-01-10) is still outstanding.
    assert state_of(textbook) == "revision_due"

    sweep_on(D(2025, 1, 10))
    assert state_of(textbook) == "revision_due"
    sweep_on(D(2025, 1, 11))
    assert state_of(textbook) == "revision_overdue"
    with on(D(2025, 4, 1)):  # a minor revision, approved while overdue
        edit_leaf(leaf, "只做了小修订", u["author"])
        minor = passed_case(textbook, *people, kind=CaseKind.MINOR)
    sweep_on(D(2025, 4, 10))  # the last day of the 90-day grace period
    assert state_of(textbook) == "revision_overdue"
    sweep_on(D(2025, 4, 11))
    assert state_of(textbook) == "suspended"

    with on(D(2025, 5, 1)):
        assert services.publish(minor, user=u["national"]).version == "1.4"
    assert state_of(textbook) == "suspended"  # a minor alone does not bring it back
    with on(D(2025, 5, 2)), pytest.raises(services.WorkflowError, match="只能送审大修订或整改修订"):
        services.open_case(textbook, user=u["author"], kind=CaseKind.MINOR)
    assert publish(D(2025, 6, 1), CaseKind.MAJOR, "大修订").version == "2.0"
    assert state_of(textbook) == "in_use"

    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    assert lifecycle.major_due_on == D(2028, 6, 1)
    assert lifecycle.minor_due_on == D(2026, 6, 1)
    log = AuditLogEntry.objects.for_object(lifecycle)
    assert [(e.transition, timezone.localdate(e.at)) for e in log if e.actor is None] == [
        ("give_notice", D(2022, 11, 11)),
        ("give_notice", D(2023, 10, 16)),
        ("give_notice", D(2024, 10, 2)),
        ("mark_overdue", D(2025, 1, 11)),
        ("suspend", D(2025, 4, 11)),
    ]


# --- the sweep at scale: rows made directly, as the benchmark's generator does -------------


def make_catalogue(n, first_published):
    """``n`` textbooks in use whose first edition came out on ``first_published``."""
    User = get_user_model()
    chief = User.objects.create_user(username=f"chief-{n}", email=f"chief{n}@example.org")
    coauthor = User.objects.create_user(username=f"co-{n}", email=f"co{n}@example.org")
    textbooks = Textbook.objects.bulk_create(
        Textbook(
            title=f"教材 {n}-{i}",
            slug=f"bulk-{n}-{i}",
            is_loose_leaf=True,
            tier="provincial",
            editor_in_chief=chief,
        )
        for i in range(n)
    )
    Textbook.authors.through.objects.bulk_create(
        Textbook.authors.through(textbook=t, user=coauthor) for t in textbooks
    )
    lifecycles = []
    for i, textbook in enumerate(textbooks):
        lifecycle = TextbookLifecycle(textbook=textbook, state="in_use")
        # Spread them over every outcome of one sweep: notice, overdue, suspended, untouched.
        set_clocks(
            lifecycle, first_published - datetime.timedelta(days=100 * (i % 4)), is_major=True
        )
        lifecycles.append(lifecycle)
    TextbookLifecycle.objects.bulk_create(lifecycles)
    return textbooks


def counted_sweep(day, django_capture_on_commit_callbacks):
    # Both runs start with Django's content-type cache cold, whichever tests ran before.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            result = sweep(day)
    return result, len(queries)


def test_sweep_runs_a_fixed_number_of_queries_whatever_the_catalogue_size(
    django_capture_on_commit_callbacks,
):
    make_catalogue(10, D(2022, 1, 10))
    small, small_queries = counted_sweep(D(2022, 12, 20), django_capture_on_commit_callbacks)
    TextbookLifecycle.objects.all().delete()
    make_catalogue(1000, D(2022, 1, 10))
    mail.outbox.clear()
    large, large_queries = counted_sweep(D(2022, 12, 20), django_capture_on_commit_callbacks)

    assert sum(large.moved.values()) > 700  # the sweep did real work in both runs
    assert sum(small.moved.values()) > 5
    assert large_queries == small_queries
    # One digest each for the editor-in-chief and the co-author, listing every moved textbook.
    assert large.notified == len(mail.outbox) == 2
    assert sum(large.moved.values()) == mail.outbox[0].body.count("》：")


def table_counts(output):
    """The numbers of the summary table, in order (the title line is not part of it)."""
    return [
        line.split()[-1]
        for line in output.splitlines()
        if line[-1:].isdigit() and not line.startswith("生命周期巡检")
    ]


def test_sweep_is_idempotent_and_dry_run_changes_nothing(django_capture_on_commit_callbacks):
    make_catalogue(8, D(2021, 6, 1))
    day = D(2024, 6, 2)  # three years on: every one of them is due a retirement proposal
    out = io.StringIO()
    call_command("lifecycle_sweep", "--dry-run", "--date", day.isoformat(), stdout=out)
    assert "试运行" in out.getvalue()
    assert set(TextbookLifecycle.objects.values_list("state", flat=True)) == {"in_use"}
    assert not AuditLogEntry.objects.exists()
    assert not RetirementProposal.objects.exists()
    dry_counts = table_counts(out.getvalue())

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("lifecycle_sweep", "--date", day.isoformat(), stdout=out)
    real_counts = table_counts(out.getvalue())
    assert dry_counts[:4] == real_counts[:4]  # the dry run predicted exactly what happened
    states = list(TextbookLifecycle.objects.values_list("state", flat=True))
    audit_rows = AuditLogEntry.objects.count()
    proposals = RetirementProposal.objects.count()
    assert proposals == 8 and audit_rows == 8

    with django_capture_on_commit_callbacks(execute=True):
        second = sweep(day)
    assert sum(second.moved.values()) == 0 and second.proposals == 0
    assert list(TextbookLifecycle.objects.values_list("state", flat=True)) == states
    assert AuditLogEntry.objects.count() == audit_rows
    assert RetirementProposal.objects.count() == proposals


def explain(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)  # plans, does not run
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="planner statistics are PostgreSQL's; runs in make test's PostgreSQL pass",
)
def test_retirement_proposals_come_out_the_same_whatever_the_planner_statistics(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 17: statistics taken while the proposals table was empty made the retirement
    question a nested loop over every pair. The sweep now asks it without a join, and
    ANALYZEs what it wrote."""
    monkeypatch.setattr("workflow.services.lifecycle.ANALYZE_AFTER_ROWS", 8)
    make_catalogue(8, D(2021, 6, 1))
    day = D(2024, 6, 2)  # three years on: all eight are due a proposal
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_retirementproposal")  # empty: the statistics
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            first = sweep(day)
    assert first.proposals == RetirementProposal.objects.count() == 8

    insert = next(q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "workflow_retire'))
    plan = explain(insert, None)
    assert "Join" not in plan and "Nested Loop" not in plan, plan
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'workflow_retirementproposal'"
        )
        assert cursor.fetchone()[0] == 8  # analysed after the proposals were written

    # Stale again (empty), on purpose: the rerun must open nothing twice, and it does not ask.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflow_retirementproposal")
    assert sweep(day).proposals == 0
    assert RetirementProposal.objects.count() == 8


def test_bad_date_is_refused_with_a_clear_message():
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("lifecycle_sweep", "--date", "2024/13/01", stdout=io.StringIO())


def test_retirement_is_proposed_after_three_years_without_revision_and_only_then():
    make_catalogue(1, D(2022, 1, 10))
    # Only the first textbook of make_catalogue is published on that day exactly.
    sweep(D(2025, 1, 9))
    assert not RetirementProposal.objects.exists()
    sweep(D(2025, 1, 10))
    proposal = RetirementProposal.objects.get()
    assert proposal.reason == "no_update" and proposal.proposed_on == D(2025, 1, 10)
    sweep(D(2025, 1, 11))
    assert RetirementProposal.objects.count() == 1


def test_authors_are_told_when_their_textbook_moves(django_capture_on_commit_callbacks):
    make_catalogue(1, D(2022, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        sweep(D(2022, 11, 20))
    assert sorted(m.to[0] for m in mail.outbox) == ["chief1@example.org", "co1@example.org"]
    message = mail.outbox[0]
    assert message.subject == "教材修订提醒：1 种教材状态有变化"
    assert (
        "《教材 1-0》：待修订（年度小修订截止 2023-01-10，三年大修订截止 2025-01-10）"
        in message.body
    )


@pytest.mark.parametrize("run_in", ["zh-hans", "en"])
def test_each_writer_reads_the_digest_in_his_or_her_language(
    django_capture_on_commit_callbacks, run_in
):
    make_catalogue(1, D(2022, 1, 10))
    prefers(get_user_model().objects.get(username="chief-1"), "en")
    with translation.override(run_in), django_capture_on_commit_callbacks(execute=True):
        sweep(D(2022, 11, 20))
    english, chinese = sorted(mail.outbox, key=lambda message: message.to)
    assert english.to == ["chief1@example.org"]
    assert english.subject == "Textbook revision reminder: 1 textbook changed status"
    assert (
        "“教材 1-0”: Revision due (annual minor revision due 2023-01-10,"
        " three-year major revision due 2025-01-10)" in english.body
    )
    assert chinese.to == ["co1@example.org"]
    assert chinese.subject == "教材修订提醒：1 种教材状态有变化"
    assert "《教材 1-0》：待修订（年度小修订截止 2023-01-10" in chinese.body


def test_recently_updated_means_the_current_edition_is_within_the_minor_period(world):
    textbook, u = world["textbook"], world["users"]
    with on(D(2024, 3, 1)):
        edition = published_edition(textbook, u["author"], u["reviewer"], u["national"])
    assert is_recently_updated(edition, today=D(2025, 3, 1))
    assert not is_recently_updated(edition, today=D(2025, 3, 2))
    assert not is_recently_updated(None)


def test_sweep_task_runs_through_django_tasks():
    make_catalogue(1, D(2022, 1, 10))
    result = run_lifecycle_sweep.enqueue("2022-11-20")
    assert result.return_value["moved"]["give_notice"] == 1
