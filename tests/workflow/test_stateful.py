"""Random action sequences by random actors on one textbook; invariants after every step."""

import itertools

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from textbooks.models import UnitPage
from workflow import services
from workflow.models import AuditLogEntry, CaseState, Edition, ReviewAssignment, ReviewCase

from .conftest import SCORES, add_leaf, documents, due, edit_leaf

ACTORS = ["author", "other_author", "reviewer", "reviewer2", "province", "national"]
DECISIONS = {"approve", "reject", "request_resubmission"}


def test_random_review_sequences_keep_the_invariants(users, make_user, make_textbook):
    from textbooks import roles

    users["reviewer2"] = make_user("reviewer2", roles.REVIEWER)
    serial = itertools.count()
    published_counts = []

    class ReviewMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.textbook = make_textbook(users["author"], tier="school")
            n = next(serial)
            self.leaves = [
                add_leaf(self.textbook, f"m{n}-a", "一", users["author"]),
                add_leaf(self.textbook, f"m{n}-b", "二", users["author"]),
            ]

        def submit_new_case(self, actor, kind):
            """As the submit screen does: open and submit in one transaction, so a refused
            submission leaves no stray draft case behind."""
            with transaction.atomic():
                new = services.open_case(self.textbook, user=users[actor], kind=kind)
                extra = documents() | {"change_categories": ["new_method"]}
                services.submit(new, user=users[actor], change_summary="说明", **extra)

        def case(self):
            return self.textbook.review_cases.order_by("-pk").first()

        def attempt(self, operation, needs_case=True):
            """Run one service call; a refusal must change nothing."""
            case = self.case()
            if needs_case and case is None:
                return
            before = (case and case.state, AuditLogEntry.objects.count())
            try:
                operation(case)
            except services.WorkflowError:
                after = self.case()
                assert (after and after.state) == before[0]
                assert AuditLogEntry.objects.count() == before[1]

        @rule(actor=st.sampled_from(ACTORS), kind=st.sampled_from(["initial", "minor", "major"]))
        def open_and_submit(self, actor, kind):
            self.attempt(lambda _case: self.submit_new_case(actor, kind), needs_case=False)

        @rule(actor=st.sampled_from(ACTORS), reviewer=st.sampled_from(ACTORS))
        def assign(self, actor, reviewer):
            self.attempt(
                lambda case: services.assign_reviewer(
                    case,
                    user=users[actor],
                    reviewer=users[reviewer],
                    track_kind="subject",
                    due_date=due(),
                )
            )

        @rule(
            actor=st.sampled_from(ACTORS), outcome=st.sampled_from(["pass", "resubmit", "reject"])
        )
        def opine(self, actor, outcome):
            def run(case):
                assignment = ReviewAssignment.objects.filter(track__case=case).last()
                if assignment is None:
                    return
                services.record_opinion(
                    assignment, user=users[actor], scores=SCORES, comment="意见", outcome=outcome
                )

            self.attempt(run)

        @rule(actor=st.sampled_from(ACTORS))
        def decide(self, actor):
            self.attempt(lambda case: services.decide(case, user=users[actor]))

        @rule(actor=st.sampled_from(ACTORS))
        def publish(self, actor):
            self.attempt(lambda case: services.publish(case, user=users[actor]))

        @rule(actor=st.sampled_from(ACTORS))
        def withdraw(self, actor):
            self.attempt(lambda case: services.withdraw(case, user=users[actor]))

        @rule(actor=st.sampled_from(ACTORS))
        def resubmit(self, actor):
            self.attempt(
                lambda case: services.resubmit(
                    case, user=users[actor], change_summary="再次送审", **documents()
                )
            )

        @rule(steps=st.integers(min_value=1, max_value=5))
        def advance(self, steps):
            """The next steps of the ordinary path, by the right people, so that random runs
            reach decisions and publication often rather than by chance."""
            for _ in range(steps):
                self.next_step()

        def next_step(self):
            case = self.case()
            national, reviewer = users["national"], users["reviewer"]
            if case is None or case.state in (
                CaseState.PUBLISHED,
                CaseState.REJECTED,
                CaseState.WITHDRAWN,
            ):
                kind = (
                    "minor"
                    if Edition.objects.filter(textbook=self.textbook).exists()
                    else "initial"
                )
                edit_leaf(self.leaves[0], f"修订 {next(serial)}", users["author"])
                self.attempt(lambda _case: self.submit_new_case("author", kind), needs_case=False)
            elif case.state == CaseState.SUBMITTED:
                self.attempt(
                    lambda c: services.assign_reviewer(
                        c, user=national, reviewer=reviewer, track_kind="subject", due_date=due()
                    )
                )
            elif case.state == CaseState.IN_REVIEW:
                pending = ReviewAssignment.objects.filter(
                    track__case=case, opinion__isnull=True
                ).first()
                if pending is not None:
                    self.attempt(
                        lambda c: services.record_opinion(
                            pending,
                            user=pending.reviewer,
                            scores=SCORES,
                            comment="同意",
                            outcome="pass",
                        )
                    )
                else:
                    self.attempt(lambda c: services.decide(c, user=national))
            elif case.state == CaseState.APPROVED:
                self.attempt(lambda c: services.publish(c, user=national))
            elif case.state == CaseState.RESUBMIT_REQUESTED:
                self.attempt(
                    lambda c: services.resubmit(
                        c, user=users["author"], change_summary="再次送审", **documents()
                    )
                )

        @rule(leaf=st.sampled_from([0, 1]), text=st.text(min_size=1, max_size=5))
        def author_edits(self, leaf, text):
            edit_leaf(self.leaves[leaf], text, users["author"])

        def teardown(self):
            published_counts.append(Edition.objects.filter(textbook=self.textbook).count())

        @invariant()
        def audit_log_replays_every_case(self):
            for case in ReviewCase.objects.filter(textbook=self.textbook):
                rows = list(AuditLogEntry.objects.for_object(case))
                state = CaseState.DRAFT
                for row in rows:
                    assert row.from_state == state
                    state = row.to_state
                    if row.transition in DECISIONS or row.transition == "publish":
                        # nobody decides or publishes what they submitted or wrote
                        assert row.actor_id != case.submitted_by_id
                        assert not self.textbook.is_written_by(row.actor)
                assert state == case.state

        @invariant()
        def editions_are_consistent(self):
            editions = list(Edition.objects.filter(textbook=self.textbook).order_by("pk"))
            assert [e.is_current for e in editions] == [False] * (len(editions) - 1) + [True] * (
                len(editions) > 0
            )
            for older, newer in itertools.pairwise(editions):
                assert older.successor_id == newer.pk
                assert (older.major, older.minor) < (newer.major, newer.minor)
            published = ReviewCase.objects.filter(
                textbook=self.textbook, state=CaseState.PUBLISHED
            ).count()
            assert published == len(editions)
            if editions:
                live = {
                    leaf.pk: leaf.live_revision_id
                    for leaf in UnitPage.objects.child_of(self.textbook.page).live()
                }
                manifest = {r.page_id: r.revision_id for r in editions[-1].leaves.all()}
                assert live == manifest

        @invariant()
        def opinions_only_from_qualified_reviewers(self):
            for assignment in ReviewAssignment.objects.filter(track__case__textbook=self.textbook):
                assert not self.textbook.is_written_by(assignment.reviewer)
                assert assignment.reviewer.username in {"reviewer", "reviewer2"}

    run_state_machine_as_test(
        ReviewMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    # The runs must have exercised publishing, not only refusals.
    assert max(published_counts) >= 1, published_counts
