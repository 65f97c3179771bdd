"""Published textbooks built the real way (review cases, editions), indexed for search."""

import pytest

from tests.workflow.conftest import SCORES, add_leaf, due, edit_leaf, submitted_case
from textbooks import roles
from workflow import services
from workflow.models import CaseKind, ReviewCase, TrackKind

__all__ = ["add_leaf", "edit_leaf"]


@pytest.fixture
def publish(users, make_user, make_institution, django_capture_on_commit_callbacks):
    """publish(textbook, kind=..., **submit_fields) -> Edition: submitted by ``author``, passed
    on every track the textbook needs, published by the national administrator, and indexed."""
    reviewers = {}

    def reviewer(track, n):
        key = (track, n)
        if key not in reviewers:
            if track == TrackKind.POLITICAL:
                reviewers[key] = make_user(f"site_political_{n}", roles.POLITICAL_REVIEWER)
            elif track == TrackKind.ENTERPRISE:
                company = make_institution("埃斯顿自动化股份有限公司", "enterprise")
                reviewers[key] = make_user(
                    f"site_enterprise_{n}", roles.REVIEWER, institution=company
                )
            else:
                reviewers[key] = make_user(f"site_subject_{n}", roles.REVIEWER)
        return reviewers[key]

    def run(textbook, kind=CaseKind.INITIAL, **extra):
        admin = users["national"]
        with django_capture_on_commit_callbacks(execute=True):
            case = submitted_case(textbook, users["author"], kind, **extra)
            for track, required in services.tracks_for(textbook).items():
                for n in range(required):
                    assignment = services.assign_reviewer(
                        ReviewCase.objects.get(pk=case.pk),
                        user=admin,
                        reviewer=reviewer(track, n),
                        track_kind=track,
                        due_date=due(),
                    )
                    services.record_opinion(
                        assignment,
                        user=reviewer(track, n),
                        scores=SCORES,
                        comment="同意",
                        outcome="pass",
                    )
            case = services.decide(ReviewCase.objects.get(pk=case.pk), user=admin)
            return services.publish(case, user=admin)

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
