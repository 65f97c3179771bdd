"""After the revision periods change in settings, `lifecycle_recompute` moves every stored due
date to the new periods, and the next sweep moves the states by them."""

import datetime
import io

import pytest
from django.core.management import call_command

from workflow.models import LifecycleState, TextbookLifecycle
from workflow.services.lifecycle import add_months

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("lifecycle_recompute", *args, stdout=out)
    return out.getvalue()


def lifecycle_of(published):
    return TextbookLifecycle.objects.get(textbook=published["textbook"])


def test_shorter_minor_period_brings_every_due_date_forward(published, settings):
    before = lifecycle_of(published)
    published_on = before.last_revision_on
    assert before.minor_due_on == add_months(published_on, 12)

    settings.LIFECYCLE_MINOR_PERIOD_MONTHS = 6
    assert "due dates changed: 1" in run()
    after = lifecycle_of(published)
    assert after.minor_due_on == add_months(published_on, 6)
    assert after.next_due_on == after.minor_due_on  # earlier than the major one (36 months)
    assert after.major_due_on == before.major_due_on
    assert after.retirement_due_on == before.retirement_due_on
    assert after.last_revision_on == published_on and after.last_major_on == before.last_major_on
    # Nothing left to change: a second run writes nothing.
    assert "due dates changed: 0" in run()


def test_a_dry_run_counts_and_changes_nothing(published, settings):
    before = lifecycle_of(published).minor_due_on
    settings.LIFECYCLE_MINOR_PERIOD_MONTHS = 6
    assert "due dates would change: 1" in run("--dry-run")
    assert lifecycle_of(published).minor_due_on == before


def test_the_next_sweep_moves_the_state_by_the_new_dates(published, settings):
    settings.LIFECYCLE_MINOR_PERIOD_MONTHS = 1
    run()
    due = lifecycle_of(published).minor_due_on
    day_after = (due + datetime.timedelta(days=1)).isoformat()
    call_command("lifecycle_sweep", "--date", day_after, stdout=io.StringIO())
    assert lifecycle_of(published).state == LifecycleState.REVISION_OVERDUE


def test_textbooks_never_published_have_no_dates_to_recompute(world, settings):
    settings.LIFECYCLE_MINOR_PERIOD_MONTHS = 6
    assert "due dates changed: 0" in run()
    assert lifecycle_of(world).minor_due_on is None
