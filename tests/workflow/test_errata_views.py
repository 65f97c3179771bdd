"""Errata screens: the public report form, the submit screen's queue, triage by role."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from workflow.models import CaseKind, Erratum, ErratumState
from workflow.services import errata

from .conftest import add_leaf, edit_leaf, published_edition
from .test_views import outcome

ROLES = ["anonymous", "author", "other_author", "reviewer", "political", "committee"]
ROLES += ["province", "national"]
TRIAGERS = {"author", "province", "national"}  # a school-tier textbook


pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def published(published):
    world = published
    world["url"] = reverse("editions:erratum", args=[world["textbook"].slug, "1.0", "unit-1"])
    return world


REPORT = {"quoted_text": "主轴转速 S100", "correction": "应为 S1000", "name": "", "contact": ""}


def test_a_teacher_reports_an_error_without_logging_in(client, published):
    page = client.get(published["url"])
    assert page.status_code == 200
    assert "报告错误" in page.content.decode()
    response = client.post(published["url"], REPORT | {"name": "王老师"}, follow=True)
    assert response.redirect_chain == [(published["url"], 302)]
    assert "感谢您的勘误报告" in response.content.decode()
    erratum = Erratum.objects.get()
    assert (erratum.leaf_id, erratum.edition, erratum.state) == (
        published["leaves"][0].pk,
        published["edition"],
        ErratumState.NEW,
    )
    assert erratum.reporter_name == "王老师"
    assert erratum.reporter_ip_hash == errata.address_hash("127.0.0.1")


def test_missing_fields_are_named_in_chinese_and_what_was_typed_is_kept(client, published):
    response = client.post(published["url"], {"quoted_text": "主轴转速 S100"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "请写出您建议的更正。" in text
    assert "主轴转速 S100</textarea>" in text
    response = client.post(published["url"], {"correction": "x" * 2001, "quoted_text": "a"})
    assert "更正建议请不超过 2000 字（现为 2001 字）。" in response.content.decode()
    assert not Erratum.objects.exists()


def test_the_rate_limit_says_so(client, published):
    for _ in range(errata.REPORTS_PER_HOUR):
        assert client.post(published["url"], REPORT).status_code == 302
    response = client.post(published["url"], REPORT)
    assert response.status_code == 429
    assert "每个网络地址每小时最多提交 5 条" in response.content.decode()
    assert "主轴转速 S100</textarea>" in response.content.decode()
    assert Erratum.objects.count() == errata.REPORTS_PER_HOUR


def test_reports_need_the_csrf_token(published):
    client = Client(enforce_csrf_checks=True)
    assert client.post(published["url"], REPORT).status_code == 403
    page = client.get(published["url"])
    token = page.cookies["csrftoken"].value
    response = client.post(published["url"], REPORT | {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_only_leaves_of_a_published_edition_take_reports(client, published):
    add_leaf(published["textbook"], "draft-unit", "草稿", published["users"]["author"])
    slug = published["textbook"].slug
    for version, leaf in [("1.0", "draft-unit"), ("9.9", "unit-1"), ("x", "unit-1")]:
        url = reverse("editions:erratum", args=[slug, version, leaf])
        assert client.get(url).status_code == 404
        assert client.post(url, REPORT).status_code == 404
    assert not Erratum.objects.exists()


def test_the_fragments_render_the_form_and_the_corrections(published):
    u, first = published["users"], published["edition"]
    erratum = errata.triage(
        errata.report(first, "unit-1", address="a", quoted_text="S100", correction="S1000"),
        user=u["author"],
    )
    errata.accept(erratum, user=u["author"])
    edit_leaf(published["leaves"][0], "S1000", u["author"])
    published_edition(
        published["textbook"], u["author"], u["reviewer"], u["national"], kind=CaseKind.MINOR
    )
    first.refresh_from_db()
    leaf = first.leaves.get(page_id=published["leaves"][0].pk).revision.as_object()
    request = RequestFactory().get("/")
    form = render_to_string(
        "cms/includes/erratum_form.html", {"edition": first, "page": leaf}, request=request
    )
    assert f'action="{published["url"]}"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    fixed = render_to_string("cms/includes/errata_fixed.html", {"edition": first, "leaf": leaf})
    assert "第 1.1 版已更正：“S100” → “S1000”" in fixed
    with translation.override("en"):
        fixed = render_to_string("cms/includes/errata_fixed.html", {"edition": first, "leaf": leaf})
    assert "Corrected in edition 1.1: “S100” → “S1000”" in fixed
    other = first.leaves.get(page_id=published["leaves"][1].pk).revision.as_object()
    assert "本页勘误" not in render_to_string(
        "cms/includes/errata_fixed.html", {"edition": first, "leaf": other}
    )


def test_the_submit_screen_lists_the_errata_to_fix(client, published):
    u = published["users"]
    erratum = errata.report(
        published["edition"], "unit-1", address="a", quoted_text="S100", correction="S1000"
    )
    errata.accept(errata.triage(erratum, user=u["national"]), user=u["national"])
    client.force_login(u["author"])
    text = client.get(reverse("workflow:submit", args=[published["textbook"].pk])).content.decode()
    table = text[text.index('id="open-errata"') :]
    assert "S100" in table and "S1000" in table


def login(client, users, role):
    client.logout()
    if role != "anonymous":
        client.force_login(users[role])


def test_matrix_who_sees_and_triages_errata(client, published):
    u = published["users"]
    erratum = errata.report(
        published["edition"], "unit-1", address="a", quoted_text="S100", correction="S1000"
    )
    detail = reverse("workflow:erratum", args=[erratum.pk])
    for role in ROLES:
        login(client, u, role)
        listing = client.get(reverse("workflow:errata"))
        expected = "login" if role == "anonymous" else "ok"
        assert outcome(listing) == expected, role
        if role != "anonymous":
            assert (detail in listing.content.decode()) == (role in TRIAGERS), role
        expected = "login" if role == "anonymous" else ("ok" if role in TRIAGERS else "denied")
        assert outcome(client.get(detail)) == expected, role
        if role in TRIAGERS:
            continue
        response = client.post(detail, {"action": "triage", "reason": ""})
        assert outcome(response) in ("login", "denied"), role
        assert Erratum.objects.get(pk=erratum.pk).state == ErratumState.NEW, role
    for role in sorted(TRIAGERS):  # the first triages it; the others are told it moved on
        login(client, u, role)
        response = client.post(detail, {"action": "triage", "reason": ""}, follow=True)
        assert outcome(response) == "ok", role
    assert Erratum.objects.get(pk=erratum.pk).state == ErratumState.TRIAGED
    assert "勘误当前状态为“已受理”，不能受理。" in response.content.decode()


@pytest.mark.parametrize("role", sorted(TRIAGERS))
def test_each_triager_moves_an_erratum_through_every_action(client, published, role):
    u = published["users"]
    login(client, u, role)

    def new():
        return errata.report(
            published["edition"], "unit-1", address=role, quoted_text="S100", correction="S1000"
        )

    def post(erratum, **data):
        url = reverse("workflow:erratum", args=[erratum.pk])
        return client.post(url, {"reason": ""} | data, follow=True)

    original, accepted, declined, duplicate = new(), new(), new(), new()
    for erratum in (accepted, declined, duplicate):
        post(erratum, action="triage")
    response = post(accepted, action="accept", reason="核实无误")
    assert "勘误状态：已采纳。" in response.content.decode()
    response = post(declined, action="decline")
    assert "请说明不予采纳的理由。" in response.content.decode()
    post(declined, action="decline", reason="原文无误")
    post(duplicate, action="duplicate", original=original.pk)
    response = post(original, action="accept")
    assert "勘误当前状态为“新报告”，不能采纳。" in response.content.decode()
    states = {e.pk: (e.state, e.duplicate_of_id) for e in Erratum.objects.all()}
    assert states == {
        original.pk: (ErratumState.NEW, None),
        accepted.pk: (ErratumState.ACCEPTED, None),
        declined.pk: (ErratumState.DECLINED, None),
        duplicate.pk: (ErratumState.DUPLICATE, original.pk),
    }
