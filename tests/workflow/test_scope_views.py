"""Problem 7 of issue 12: a provincial administrator administers his or her province's
textbooks and no others — on every case screen, in the lists and in the mail."""

import pytest
from django.core import mail
from django.urls import reverse

from textbooks import roles
from workflow import services
from workflow.models import CaseState, ReviewCase
from workflow.services import errata

from .conftest import SCORES, add_leaf, due, submitted_case


@pytest.fixture
def guangdong(users, make_user, make_institution, make_textbook):
    """A school-tier Guangdong textbook in review, its one reviewer's pass recorded;
    ``users["province"]`` is Jiangsu's administrator, ``guangdong_admin`` Guangdong's."""
    department = make_institution("广东省教育厅", "authority", "GD")
    users["guangdong_admin"] = make_user(
        "guangdong_admin", roles.PROVINCIAL_ADMIN, institution=department
    )
    textbook = make_textbook(users["author"], tier="school", province="GD")
    add_leaf(textbook, "unit-1", "内容一", users["author"])
    return {"users": users, "textbook": textbook}


def in_review(guangdong):
    u = guangdong["users"]
    case = submitted_case(guangdong["textbook"], u["author"])
    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    services.record_opinion(
        assignment, user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
    )
    return case, assignment


def state(case):
    return ReviewCase.objects.get(pk=case.pk).state


def test_problem_7_a_jiangsu_administrator_cannot_reach_a_guangdong_case(client, guangdong):
    u = guangdong["users"]
    case, assignment = in_review(guangdong)
    client.force_login(u["province"])
    listing = client.get(reverse("workflow:cases")).content.decode()
    assert guangdong["textbook"].title not in listing
    for name in ["case", "assign", "cancel"]:
        assert client.get(reverse(f"workflow:{name}", args=[case.pk])).status_code == 404, name
    replace = reverse("workflow:replace", args=[assignment.pk])
    assert client.get(replace).status_code == 404
    assign = {"track_kind": "subject", "reviewer": u["reviewer"].pk, "due_date": due()}
    assert client.post(reverse("workflow:assign", args=[case.pk]), assign).status_code == 404
    assert client.post(reverse("workflow:decide", args=[case.pk])).status_code == 404
    assert (
        client.post(reverse("workflow:cancel", args=[case.pk]), {"reason": "x"}).status_code == 404
    )
    assert state(case) == CaseState.IN_REVIEW

    # Guangdong's administrator decides; Jiangsu's still cannot publish.
    client.force_login(u["guangdong_admin"])
    assert guangdong["textbook"].title in client.get(reverse("workflow:cases")).content.decode()
    client.post(reverse("workflow:decide", args=[case.pk]))
    assert state(case) == CaseState.APPROVED
    client.force_login(u["province"])
    assert client.post(reverse("workflow:publish", args=[case.pk])).status_code == 404
    assert state(case) == CaseState.APPROVED
    client.force_login(u["guangdong_admin"])
    client.post(reverse("workflow:publish", args=[case.pk]))
    assert state(case) == CaseState.PUBLISHED


def test_problem_7_mail_goes_to_the_textbooks_own_and_the_national_administrators(
    guangdong, django_capture_on_commit_callbacks
):
    u = guangdong["users"]
    with django_capture_on_commit_callbacks(execute=True):
        submitted_case(guangdong["textbook"], u["author"])
    told = {address for m in mail.outbox if "待分配审核专家" in m.subject for address in m.to}
    assert told == {"national@example.org", "guangdong_admin@example.org"}


def test_a_jiangsu_administrator_does_not_see_guangdong_errata(client, guangdong):
    u = guangdong["users"]
    case, _assignment = in_review(guangdong)
    case = services.decide(ReviewCase.objects.get(pk=case.pk), user=u["national"])
    edition = services.publish(case, user=u["national"])
    erratum = errata.report(edition, "unit-1", address="a", quoted_text="内容", correction="改")
    detail = reverse("workflow:erratum", args=[erratum.pk])
    for admin, sees in [("province", False), ("guangdong_admin", True), ("national", True)]:
        client.force_login(u[admin])
        assert (detail in client.get(reverse("workflow:errata")).content.decode()) == sees, admin
        assert (client.get(detail).status_code == 200) == sees, admin
