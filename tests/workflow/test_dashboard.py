"""The dashboard tells each role what waits for them, in their scope: the counts equal what
the test counts itself, case by case, with the decision rule's own functions."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from workflow import services
from workflow.models import (
    CaseState,
    Erratum,
    ReviewAssignment,
    ReviewCase,
    TextbookLifecycle,
)
from workflow.services.errata import accept, triage
from workflow.services.review import missing_opinions, track_results, vetoed

from .conftest import SCORES, add_leaf, due, passed_case, published_edition, submitted_case

pytestmark = pytest.mark.django_db


def panel_counts(html):
    """{label: count} of the "待我处理" panel."""
    table = re.search(r'<table class="listing" id="waiting">(.*?)</table>', html, re.S).group(1)
    return {
        label: int(count)
        for label, count in re.findall(
            r'<a href="[^"]*">([^<]+)</a></td><td class="count">(\d+)</td>', table
        )
    }


def assign(case, admin, reviewer, **extra):
    return services.assign_reviewer(
        ReviewCase.objects.get(pk=case.pk),
        user=admin,
        reviewer=reviewer,
        track_kind="subject",
        due_date=due(),
        **extra,
    )


@pytest.fixture
def desk(world, make_textbook):
    """Jiangsu and Zhejiang textbooks with cases in every queue, and errata."""
    u = world["users"]
    admin = u["national"]
    books = {
        (province, n): make_textbook(u["author"], tier="school", province=province)
        for province in ("JS", "ZJ")
        for n in range(5)
    }
    for (province, n), book in books.items():
        add_leaf(book, f"unit-{province}-{n}", "内容", u["author"])
        if n == 0:  # waits for assignment
            submitted_case(book, u["author"])
        elif n == 1:  # waits for the decision: its one expert has answered
            case = submitted_case(book, u["author"])
            services.record_opinion(
                assign(case, admin, u["reviewer"]),
                user=u["reviewer"],
                scores=SCORES,
                comment="同意",
                outcome="pass",
            )
        elif n == 2:  # in review, its expert's due date passed
            case = submitted_case(book, u["author"])
            assignment = assign(case, admin, u["reviewer"])
            ReviewAssignment.objects.filter(pk=assignment.pk).update(
                due_date=timezone.localdate() - datetime.timedelta(days=3)
            )
        elif n == 3:  # approved, waits for publication
            passed_case(book, u["author"], u["reviewer"], admin)
        else:  # published, with errata reported on it
            edition = published_edition(book, u["author"], u["reviewer"], admin)
            leaf = edition.leaves.first().page
            for state in ("new", "new", "triaged", "accepted"):
                erratum = Erratum.objects.create(
                    textbook=book, edition=edition, leaf=leaf, quoted_text="原文", correction="改"
                )
                if state in ("triaged", "accepted"):
                    erratum = triage(erratum, user=admin)
                if state == "accepted":
                    accept(erratum, user=admin)
    return {**world, "books": books}


def expected(provinces):
    """The queues counted one case at a time, outside the dashboard's queries."""
    cases = [c for c in ReviewCase.objects.all() if c.textbook.province in provinces]
    today = timezone.localdate()

    def decidable(case):
        results = track_results(case)
        return not missing_opinions(case) or vetoed(results)

    overdue = [
        a
        for a in ReviewAssignment.objects.all()
        if a.track.case.textbook.province in provinces
        and a.track.case.state == CaseState.IN_REVIEW
        and a.round == a.track.case.round
        and a.state == "active"
        and not hasattr(a, "opinion")
        and a.due_date < today
    ]
    return {
        "待分配审核专家": sum(c.state == CaseState.SUBMITTED for c in cases),
        "待作出审核结论": sum(c.state == CaseState.IN_REVIEW and decidable(c) for c in cases),
        "待发布": sum(c.state == CaseState.APPROVED for c in cases),
        "逾期未提交的审核意见": len(overdue),
        "待受理的勘误": sum(
            e.state == "new" and e.textbook.province in provinces for e in Erratum.objects.all()
        ),
    }


@pytest.mark.parametrize(("admin", "provinces"), [("national", {"JS", "ZJ"}), ("province", {"JS"})])
def test_administrators_see_what_waits_for_them_in_their_scope(client, desk, admin, provinces):
    client.force_login(desk["users"][admin])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    counts = panel_counts(html)
    wanted = expected(provinces)
    assert {label: counts[label] for label in wanted} == wanted
    assert counts["待分配审核专家"] == len(provinces)  # one per province in scope
    # Each count links to the list it counts.
    listed = client.get(reverse("workflow:cases") + "?waiting=decision").content.decode()
    listed = listed[listed.index('id="case-list"') :]
    assert listed.count('href="/admin/reviews/') == counts["待作出审核结论"]


def test_authors_see_their_textbooks_cases_and_errata(client, desk, make_user):
    u = desk["users"]
    client.force_login(u["author"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    mine = re.search(r'<table class="listing" id="my-textbooks">(.*?)</table>', html, re.S)
    rows = re.findall(
        r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", mine.group(1)
    )
    shown = {title: (state, next_due) for title, state, next_due in rows}
    textbooks = [desk["textbook"], *desk["books"].values()]
    assert len(rows) == len(shown) == len(textbooks)
    for textbook in textbooks:
        lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
        next_due = lifecycle.next_due_on.isoformat() if lifecycle.next_due_on else "—"
        assert shown[textbook.title] == (lifecycle.get_state_display(), next_due)
    assert any(row[2] != "—" for row in rows)  # the published ones have a due date

    open_cases = [
        c
        for c in ReviewCase.objects.all()
        if c.state
        in (
            CaseState.DRAFT,
            CaseState.SUBMITTED,
            CaseState.IN_REVIEW,
            CaseState.RESUBMIT_REQUESTED,
            CaseState.APPROVED,
        )
    ]
    listed = re.search(r'<ul id="my-cases">(.*?)</ul>', html, re.S).group(1)
    assert listed.count("<li>") == len(open_cases) == 8
    unsettled = sum(
        e.state in ("new", "triaged") or (e.state == "accepted" and e.fixed_in_id is None)
        for e in Erratum.objects.all()
    )
    assert f"有 {unsettled} 条勘误" in html and unsettled == 8

    # Someone who writes nothing gets no such panel.
    client.force_login(u["other_author"])
    assert 'id="my-textbooks"' not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_decided_case_moves_from_decision_to_publication(client, desk):
    u = desk["users"]
    case = desk["books"][("JS", 1)].review_cases.get()
    services.decide(case, user=u["national"])
    client.force_login(u["province"])
    counts = panel_counts(client.get(reverse("wagtailadmin_home")).content.decode())
    assert counts["待作出审核结论"] == 0 and counts["待发布"] == 2


def test_the_compliance_summary_is_a_wagtail_panel_like_its_neighbours(client, desk):
    """Its heading stood out of line with the other dashboard panels and could not be folded:
    it was hand-written markup instead of Wagtail's panel."""
    client.force_login(desk["users"]["province"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    section = html[: html.index("查看达标情况")]
    section = section[section.rindex('<section class="w-panel') :]
    assert "data-panel-toggle" in section
    assert "达标情况 · " in section
