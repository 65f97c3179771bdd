"""What each problem of issue 12 numbered 13 (bad input) and 15 (login redirects) looks like
to the user now. The sweep over every URL pattern is tests/test_hostile_input.py."""

import pytest
from django.db import OperationalError
from django.test import Client

from tests.workflow import conftest as workflow_fixtures
from tests.workflow.conftest import SCORES, due
from workflow import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_only")]
world, published = workflow_fixtures.world, workflow_fixtures.published


def test_problem13_api_course_overflow_is_json_400(client):
    response = client.get("/api/v1/textbooks/", {"course": "99999999999999999999999"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "status": 400,
            "message": "请求参数有误。",
            "details": {"course": "须为课程编号（整数）。"},
        }
    }


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "abc", "²", "9" * 5000])
def test_problem13_catalogue_and_search_page_overflow_is_400_naming_the_parameter(client, page):
    for url, query in (("/textbooks/", {}), ("/search/", {"q": "数控"})):
        response = client.get(url, {**query, "page": page})
        assert response.status_code == 400, url
        assert "参数 page 有误：须为 1 至 1000000 之间的整数。" in response.content.decode()


def test_problem13_api_answers_every_error_as_json(client, monkeypatch):
    from cms.api import views

    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    answers = {
        404: client.get("/api/v1/no-such-endpoint/"),
        405: strict.post("/api/v1/textbooks/", {"page": "1"}),
        400: client.get("/api/v1/textbooks/", {"page": "1\x00"}),
    }
    monkeypatch.setattr(views, "build_spec", lambda url: 1 / 0)  # a bug in a view
    answers[500] = strict.get("/api/v1/openapi.json")
    for status, response in answers.items():
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["status"] == status
        assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/search/%00/", {}),
        ("/search/", {"q": "数控\x00"}),
        ("/search/", {"tier\x00": "school"}),
    ],
)
def test_problem13_nul_in_path_or_query_is_400(client, path, data):
    response = client.get(path, data)
    assert response.status_code == 400
    assert "请求中含有不允许的空字符（NUL）。" in response.content.decode()


def test_problem13_nul_in_a_form_is_400_and_nothing_is_saved(client, published):
    from workflow.models import Erratum

    edition = published["edition"]
    leaf = published["leaves"][0]
    url = f"/textbooks/{edition.textbook.slug}/editions/{edition.version}/{leaf.slug}/errata/"
    response = client.post(url, {"quoted_text": "错\x00字", "correction": "正字"})
    assert response.status_code == 400
    assert not Erratum.objects.exists()


def _leaf_post(leaf, **fields):
    return {"title": leaf.title, "slug": leaf.slug, "number": "1", **fields}


BLOCK = {"body-0-type": "rich_text", "body-0-deleted": "", "body-0-order": "0", "body-0-id": ""}


@pytest.mark.parametrize(
    "fields",
    [
        {"body-count": "abc"},
        {"body-count": "1"},  # the block's fields are missing
        {"body-count": "1", **BLOCK, "body-0-value": "not json"},
        {"body-count": "1", **BLOCK, "body-0-order": "abc", "body-0-value": "{}"},
    ],
    ids=["count-not-a-number", "block-fields-missing", "rich-text-not-json",
         "order-not-a-number"],
)  # fmt: skip
@pytest.mark.parametrize("action", ["edit/", "edit/preview/"])
def test_problem13_malformed_page_editor_posts_are_400_and_save_nothing(
    client, world, fields, action
):
    leaf = world["leaves"][0]
    revisions = leaf.revisions.count()
    client.force_login(world["users"]["author"])
    response = client.post(f"/admin/pages/{leaf.pk}/{action}", _leaf_post(leaf, **fields))
    assert response.status_code == 400
    assert "提交的内容不完整或格式有误" in response.content.decode()
    assert "正文" in response.content.decode()  # names the field
    assert leaf.revisions.count() == revisions


def test_problem13_textbook_page_rich_text_that_is_not_json_is_400(client, world):
    page = world["textbook"].page
    client.force_login(world["users"]["author"])
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        {"title": page.title, "slug": page.slug, "preface": "not json", "overview": "{"},
    )
    assert response.status_code == 400
    assert "前言" in response.content.decode() or "内容简介" in response.content.decode()


def _busy(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.parametrize(
    ("action", "service_module"),
    [("publish", "workflow.services.editions"), ("decide", "workflow.services.review")],
)
def test_problem13_a_locked_database_gives_the_conflict_message_not_a_500(
    client, world, monkeypatch, action, service_module
):
    """Two simultaneous publishes on SQLite: the second one's transaction cannot get the
    database ("database is locked"); its administrator is told someone else is acting."""
    from tests.workflow.conftest import passed_case, submitted_case
    from workflow.models import Edition, ReviewCase

    u = world["users"]
    if action == "publish":
        case = passed_case(world["textbook"], u["author"], u["reviewer"], u["national"])
    else:
        case = submitted_case(world["textbook"], u["author"])
        assignment = services.assign_reviewer(
            case, user=u["national"], reviewer=u["reviewer"], track_kind="subject",
            due_date=due(),
        )  # fmt: skip
        services.record_opinion(
            assignment, user=u["reviewer"], scores=SCORES, comment="同意", outcome="pass"
        )
    state = ReviewCase.objects.get(pk=case.pk).state
    monkeypatch.setattr(f"{service_module}.lock", _busy)
    client.force_login(u["national"])
    response = client.post(f"/admin/reviews/{case.pk}/{action}/", follow=True)
    assert response.status_code == 200
    assert "该审核案已被他人处理，请刷新页面后再操作。" in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).state == state
    assert not Edition.objects.exists()


def test_problem13_every_state_changing_service_reports_a_busy_database_as_a_conflict():
    """What the views call to change state answers a busy database with ReviewConflict (the
    decorator is tested through the views above)."""
    for service in (
        services.open_case, services.submit, services.resubmit, services.withdraw,
        services.assign_reviewer, services.replace_reviewer, services.cancel,
        services.record_opinion, services.decide, services.publish, services.errata.report,
        services.errata.triage, services.errata.accept, services.errata.decline,
        services.errata.mark_duplicate,
    ):  # fmt: skip
        assert getattr(service, "conflict_message", None), service.__name__


def test_problem13_a_busy_database_on_an_erratum_report_keeps_what_was_typed(
    client, published, monkeypatch
):
    edition, leaf = published["edition"], published["leaves"][0]
    url = f"/textbooks/{edition.textbook.slug}/editions/{edition.version}/{leaf.slug}/errata/"
    monkeypatch.setattr("workflow.services.errata.Erratum.objects.create", _busy)
    response = client.post(url, {"quoted_text": "错字", "correction": "正字"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "您的勘误尚未保存，请稍后再次提交。" in html and "正字" in html


def test_problem15_anonymous_visitors_are_sent_to_the_admin_login_with_next(client, world):
    from django.conf import settings as django_settings
    from django.urls import reverse

    textbook = world["textbook"]
    sheet = f"/media-assets/qr-sheet/{textbook.pk}/"
    response = client.get(sheet)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={sheet}"
    assert reverse(django_settings.LOGIN_URL) == "/admin/login/"
    login = client.get(response["Location"])
    assert login.status_code == 200  # the page exists (it was /accounts/login/, a 404)
    logged_in = client.post(
        response["Location"], {"username": "author", "password": "pw"}, follow=False
    )
    assert logged_in.status_code == 302 and logged_in["Location"] == sheet
    assert client.get(sheet).status_code == 200


def test_deleting_a_leaf_an_edition_pins_is_refused_with_the_reason_not_a_500(
    client, published, make_user
):
    """Found by the sweep: Wagtail's delete view met the rows that protect a pinned leaf."""
    from textbooks.models import UnitPage

    leaf = published["leaves"][0]
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.post(f"/admin/pages/{leaf.pk}/delete/", follow=True)
    assert response.status_code == 200
    assert "该页面已收入版次或送审记录，不能删除。" in response.content.decode()
    assert UnitPage.objects.filter(pk=leaf.pk).exists()
