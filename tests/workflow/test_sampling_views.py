"""The sampling and retirement admin screens: who sees what, and what bad input gets."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.workflow.conftest import due
from textbooks import roles
from workflow.models import CampaignLevel, RetirementProposal, SamplingCheck, TextbookLifecycle
from workflow.services import retirement, sampling

pytestmark = pytest.mark.django_db


def refused(response):
    """Wagtail answers PermissionDenied with a redirect to the dashboard and a message."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


@pytest.fixture
def drawn(published):
    u = published["users"]
    campaign = sampling.create_campaign(
        user=u["national"], cycle=2026, level=CampaignLevel.NATIONAL, national_ratio=Decimal("1")
    )
    sampling.draw(campaign, user=u["national"], seed=3)
    published["check"] = SamplingCheck.objects.get(textbook=published["textbook"])
    return published


def test_an_inspector_reports_with_evidence_that_only_the_check_s_people_can_open(
    client, drawn, make_user, make_institution
):
    u, check = drawn["users"], drawn["check"]
    url = reverse("workflow:sampling_check", args=[check.pk])
    client.force_login(u["national"])
    response = client.post(
        url,
        {"action": "assign", "reviewer": u["reviewer2"].pk, "due_date": due().isoformat()},
    )
    assert response.status_code == 302

    client.force_login(u["reviewer2"])
    listing = client.get(reverse("workflow:sampling")).content.decode()
    assert drawn["textbook"].title in listing and "我的抽查任务" in listing
    response = client.post(
        url,
        {
            "action": "report",
            "ideological_soundness": "5",
            "scientific_accuracy": "2",
            "suitability": "4",
            "findings": "第 1 单元数据陈旧",
            "recommends_pass": "no",
            "evidence": [
                SimpleUploadedFile("photo-1.pdf", b"%PDF-1.4 one"),
                SimpleUploadedFile("photo-2.pdf", b"%PDF-1.4 two"),
            ],
        },
    )
    assert response.status_code == 302
    evidence = check.inspections.get().evidence.order_by("pk")
    assert evidence.count() == 2
    file_url = reverse("workflow:sampling_evidence", args=[check.pk, evidence[0].pk])
    assert client.get(file_url).status_code == 200

    client.force_login(u["national"])
    page = client.get(url).content.decode()
    assert "第 1 单元数据陈旧" in page and "photo-1" in page
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 one"

    # Jiangsu's administrator reads the check of a Jiangsu textbook in the national campaign,
    # but the national campaign is the national administrators' to run.
    client.force_login(u["province"])
    page = client.get(url).content.decode()
    assert "第 1 单元数据陈旧" in page and "assign-form" not in page
    zhejiang = make_institution("浙江省教育厅", "authority", province="ZJ")
    zj_admin = make_user("zj", roles.PROVINCIAL_ADMIN, institution=zhejiang)
    for outsider in (u["reviewer"], u["author"], zj_admin):
        client.force_login(outsider)
        assert client.get(file_url).status_code == 404
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(file_url).status_code == 302  # to the admin login

    # The administrator decides; a failing result without a reason keeps the form.
    client.force_login(u["national"])
    page = client.post(url, {"action": "decide", "result": "fail", "reason": ""})
    assert page.status_code == 200 and "判定不合格时请写明问题和整改要求" in page.content.decode()
    client.post(url, {"action": "decide", "result": "fail", "reason": "数据须更新"})
    check.refresh_from_db()
    assert check.state == "rectifying"


def test_creating_and_drawing_from_the_screens(client, drawn):
    u = drawn["users"]
    client.force_login(u["province"])
    page = client.get(reverse("workflow:sampling")).content.decode()
    assert '<option value="JS">' in page and '<option value="ZJ">' not in page
    response = client.post(
        reverse("workflow:sampling"),
        {
            "cycle": "2026",
            "level": "provincial",
            "province": "JS",
            "target_ratio": "0.5",
            "national_ratio": "0.2",
        },
    )
    campaign = sampling.visible_campaigns(u["province"]).get(level="provincial")
    assert response.url == reverse("workflow:sampling_campaign", args=[campaign.pk])
    bad = client.post(reverse("workflow:sampling_draw", args=[campaign.pk]), {"seed": "-4"})
    assert bad.status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == "draft"
    client.post(reverse("workflow:sampling_draw", args=[campaign.pk]), {"seed": "11"})
    campaign.refresh_from_db()
    assert campaign.state == "drawn" and campaign.seed == 11
    page = client.get(reverse("workflow:sampling_campaign", args=[campaign.pk])).content.decode()
    assert campaign.checksum in page and "江苏省" in page
    # Someone who administers nothing sees no campaign; a bad cycle is not found, not an error.
    client.force_login(u["reviewer"])
    assert refused(client.get(reverse("workflow:sampling_campaign", args=[campaign.pk])))
    client.force_login(u["national"])
    assert client.get(reverse("workflow:sampling_report") + "?cycle=abc").status_code == 404
    report = client.get(reverse("workflow:sampling_report") + "?cycle=2026").content.decode()
    assert "江苏省" in report and "100%" in report


def test_an_administrator_proposes_from_the_textbook_page_and_decides(
    client, published, make_textbook
):
    u, textbook = published["users"], published["textbook"]
    successor = make_textbook(u["author"], tier="school", province="JS", title="数控新编")
    client.force_login(u["province"])
    page = client.get(reverse("workflow:textbook_lifecycle", args=[textbook.pk])).content.decode()
    propose_url = reverse("workflow:propose_retirement", args=[textbook.pk])
    assert propose_url in page
    response = client.post(propose_url, {"reason": "improper_promotion", "note": ""})
    assert "请说明提出退出建议的理由" in response.content.decode()
    response = client.post(propose_url, {"reason": "improper_promotion", "note": "违规推销"})
    proposal = RetirementProposal.objects.get(textbook=textbook)
    assert response.url == reverse("workflow:retirement", args=[proposal.pk])
    response = client.post(
        response.url, {"decision": "retire", "reason": "查实违规推销", "successor": successor.pk}
    )
    assert response.status_code == 302
    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    assert lifecycle.state == "retired" and lifecycle.successor == successor
    page = client.get(reverse("workflow:retirement", args=[proposal.pk])).content.decode()
    assert "查实违规推销" in page and "数控新编" in page and "retirement-form" not in page
    # A retired textbook is proposed no more.
    page = client.get(reverse("workflow:textbook_lifecycle", args=[textbook.pk])).content.decode()
    assert propose_url not in page
    # Outside the scope: no such case.
    client.force_login(u["reviewer"])
    assert refused(client.get(reverse("workflow:retirements")))
    assert refused(client.get(propose_url))


def test_a_retirement_case_outside_the_scope_is_not_found(
    client, published, make_user, make_institution
):
    u, textbook = published["users"], published["textbook"]
    proposal = retirement.propose(
        textbook, user=u["national"], reason="major_incident", note="重大事故"
    )
    zhejiang = make_institution("浙江省教育厅", "authority", province="ZJ")
    client.force_login(make_user("zj", roles.PROVINCIAL_ADMIN, institution=zhejiang))
    assert client.get(reverse("workflow:retirement", args=[proposal.pk])).status_code == 404
    assert "重大事故" not in client.get(reverse("workflow:retirements")).content.decode()
