"""The administrators' dashboard panel for revision cycles, and who sees what."""

import datetime

import pytest
from django.utils import timezone

from workflow.models import TextbookLifecycle
from workflow.services.lifecycle import set_clocks

pytestmark = pytest.mark.django_db


def put(textbook, state, due_in_days):
    """A lifecycle whose next due date is ``due_in_days`` from today (set directly: a fixture,
    not a code path of the application)."""
    lifecycle = TextbookLifecycle.objects.get(textbook=textbook)
    today = timezone.localdate()
    set_clocks(
        lifecycle,
        today + datetime.timedelta(days=due_in_days) - datetime.timedelta(days=365),
        is_major=True,
    )
    TextbookLifecycle.objects.filter(pk=lifecycle.pk).update(
        state=state,
        next_due_on=lifecycle.next_due_on,
        minor_due_on=lifecycle.minor_due_on,
        major_due_on=lifecycle.major_due_on,
    )


@pytest.fixture
def watched(users, make_textbook):
    js = make_textbook(users["author"], title="江苏逾期教材", province="JS", tier="provincial")
    gd = make_textbook(users["author"], title="广东暂停教材", province="GD", tier="school")
    soon = make_textbook(users["author"], title="即将提醒教材", province="JS", tier="national")
    put(js, "revision_overdue", -10)
    put(gd, "suspended", -120)
    put(soon, "in_use", 90)  # notice window opens in 30 days
    return js, gd, soon


def test_national_administrator_sees_every_province_with_links(client, users, watched):
    js, gd, soon = watched
    client.force_login(users["national"])
    body = client.get("/admin/").content.decode()
    assert "修订周期监测 · 全国" in body
    assert "逾期未修订：1" in body and "暂停使用：1" in body and "60 天内进入修订提醒期：1" in body
    assert f'href="/admin/textbook/edit/{js.pk}/"' in body
    assert "广东暂停教材" in body and "江苏省" in body and "广东省" in body


def test_provincial_administrator_sees_only_their_province(client, users, watched):
    client.force_login(users["province"])
    body = client.get("/admin/").content.decode()
    assert "修订周期监测 · 江苏省" in body
    assert "江苏逾期教材" in body
    assert "广东暂停教材" not in body


@pytest.mark.parametrize("role", ["author", "reviewer", "political", "committee"])
def test_others_do_not_get_the_panel(client, users, watched, role):
    client.force_login(users[role])
    body = client.get("/admin/").content.decode()
    assert "修订周期监测" not in body
    assert "逾期未修订：" not in body
