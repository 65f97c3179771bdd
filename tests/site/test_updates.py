"""Teachers learn of new editions and corrections: Atom feeds per textbook and for the
catalogue, and e-mail subscriptions with double opt-in and one-click unsubscribe."""

import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cms.models import Subscription
from cms.site import subscriptions
from tests.workflow.conftest import edit_leaf, empty_cache, published_edition, world
from tests.workflow.test_errata import accepted
from workflow.models import CaseKind

pytestmark = pytest.mark.django_db
__all__ = ["empty_cache", "world"]

ATOM = "{http://www.w3.org/2005/Atom}"
READER = "teacher@example.cn"


@pytest.fixture
def book(world, django_capture_on_commit_callbacks, empty_cache):
    """``world``'s textbook with a ``publish()`` that runs what follows the commit."""
    u = world["users"]

    def publish(kind=CaseKind.INITIAL):
        with django_capture_on_commit_callbacks(execute=True):
            return published_edition(
                world["textbook"], u["author"], u["reviewer"], u["national"], kind
            )

    world["publish"] = publish
    return world


def revise(book, text):
    edit_leaf(book["leaves"][0], text, book["users"]["author"])
    return book["publish"](CaseKind.MINOR)


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # RFC 4287 4.1.1: a feed has an id, a title and updated; an author unless every entry
    # has one; a rel="self" link is recommended.
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith(url)
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", entry.findtext(f"{ATOM}updated"))
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids))
    return [(e.findtext(f"{ATOM}title"), e.find(f"{ATOM}link").get("href")) for e in entries]


def test_the_feeds_list_new_editions_and_corrections(client, book, make_textbook):
    textbook, u = book["textbook"], book["users"]
    first = book["publish"]()
    accepted(first, u["author"])
    revise(book, "主轴转速 S1000")
    unpublished = make_textbook(u["author"])  # no edition: in no feed

    entries = atom(client, f"/textbooks/{textbook.slug}/feed.atom")
    titles = [title for title, _link in entries]
    assert f"《{textbook.title}》第 1.1 版发布" in titles
    assert f"《{textbook.title}》第 1.0 版发布" in titles
    assert f"《{textbook.title}》勘误已在第 1.1 版更正" in titles
    links = dict(entries)
    assert links[f"《{textbook.title}》第 1.0 版发布"].endswith(
        f"/textbooks/{textbook.slug}/editions/1.0/"
    )
    erratum_link = links[f"《{textbook.title}》勘误已在第 1.1 版更正"]
    path, anchor = erratum_link.split("://testserver", 1)[1].split("#")
    assert path == f"/textbooks/{textbook.slug}/editions/1.1/unit-1/"
    assert f'id="{anchor}"' in client.get(path).content.decode()  # the correction, listed

    catalogue = [title for title, _link in atom(client, "/textbooks/feed.atom")]
    assert f"《{textbook.title}》第 1.1 版发布" in catalogue
    assert not any(unpublished.title in title for title in catalogue)
    assert client.get(f"/textbooks/{unpublished.slug}/feed.atom").status_code == 404


def test_pages_link_their_feeds(client, book):
    textbook = book["textbook"]
    book["publish"]()
    for url in (textbook.page.url, f"{textbook.page.url}unit-1/", "/"):
        html = client.get(url).content.decode()
        alternates = re.findall(
            r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"', html
        )
        assert "/textbooks/feed.atom" in alternates, url
        if url != "/":
            assert f"/textbooks/{textbook.slug}/feed.atom" in alternates, url


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def link_in(message, name):
    return re.search(rf"https?://\S+/subscriptions/{name}/[^/\s]+/", message.body).group(0)


def test_subscribe_confirm_mail_and_unsubscribe_over_http(client, book):
    textbook = book["textbook"]
    book["publish"]()
    page = client.get(textbook.page.url).content.decode()
    assert f'action="/subscriptions/{textbook.slug}/"' in page

    response = client.post(f"/subscriptions/{textbook.slug}/", {"email": f" {READER.upper()} "})
    assert response.status_code == 200 and "确认邮件" in response.content.decode()
    [confirmation] = mails_to(READER)
    assert textbook.title in confirmation.subject
    assert "List-Unsubscribe" not in confirmation.extra_headers
    confirm_url = link_in(confirmation, "confirm")

    # Asking again soon sends nothing more; and nothing is mailed before confirmation.
    client.post(f"/subscriptions/{textbook.slug}/", {"email": READER})
    assert len(mails_to(READER)) == 1
    revise(book, "第二版")
    assert len(mails_to(READER)) == 1

    # Following the link shows a button; a scanner fetching it confirms nothing.
    path = confirm_url.split("://", 1)[1].split("/", 1)[1]
    response = client.get(f"/{path}")
    assert response.status_code == 200 and "确认订阅" in response.content.decode()
    assert Subscription.objects.get(email=READER).confirmed_at is None
    response = client.post(f"/{path}")
    assert response.status_code == 200 and "订阅已确认" in response.content.decode()

    revise(book, "第三版")
    [news] = mails_to(READER)[1:]
    assert (
        "第 1.2 版已发布" in news.subject
        and f"/textbooks/{textbook.slug}/editions/1.2/" in news.body
    )
    unsubscribe_url = link_in(news, "unsubscribe")
    assert news.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert news.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # One click (RFC 8058): the mail client POSTs, with no page, cookie or CSRF token.
    path = unsubscribe_url.split("://", 1)[1].split("/", 1)[1]
    one_click = Client(enforce_csrf_checks=True)
    response = one_click.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "已退订" in response.content.decode()
    assert not Subscription.objects.filter(email=READER).exists()
    assert one_click.post(f"/{path}").status_code == 200  # twice is fine
    revise(book, "第四版")
    assert len(mails_to(READER)) == 2


def test_bad_links_and_bad_addresses_are_refused(client, book, monkeypatch):
    textbook = book["textbook"]
    book["publish"]()
    response = client.post(f"/subscriptions/{textbook.slug}/", {"email": "不是邮箱"})
    assert response.status_code == 400 and "有效的电子邮箱" in response.content.decode()
    assert not Subscription.objects.exists()
    assert client.post("/subscriptions/no-such-book/", {"email": READER}).status_code == 404
    assert client.get(f"/subscriptions/{textbook.slug}/").status_code == 405

    for n in range(subscriptions.REQUESTS_PER_HOUR):
        client.post(f"/subscriptions/{textbook.slug}/", {"email": f"reader{n}@example.cn"})
    response = client.post(f"/subscriptions/{textbook.slug}/", {"email": "one-more@example.cn"})
    assert response.status_code == 429 and "请求过多" in response.content.decode()
    assert not mails_to("one-more@example.cn")
    cache.clear()

    for url in ("/subscriptions/confirm/forged/", "/subscriptions/unsubscribe/forged/"):
        response = client.get(url)
        assert response.status_code == 400 and "链接无效或已过期" in response.content.decode()

    client.post(f"/subscriptions/{textbook.slug}/", {"email": READER})
    confirm = link_in(mails_to(READER)[0], "confirm").split("/subscriptions/", 1)[1]
    monkeypatch.setattr(subscriptions, "CONFIRM_DAYS", -1)  # the link has expired
    assert client.post(f"/subscriptions/{confirm}").status_code == 400
    assert Subscription.objects.get(email=READER).confirmed_at is None


def test_addresses_never_confirmed_are_forgotten_when_their_link_expires(client, book):
    textbook = book["textbook"]
    book["publish"]()
    for email in ("waiting@example.org", "confirmed@example.org", "asked-again@example.org"):
        client.post(f"/subscriptions/{textbook.slug}/", {"email": email})
    Subscription.objects.filter(email="confirmed@example.org").update(confirmed_at=timezone.now())
    later = timezone.now() + datetime.timedelta(days=subscriptions.CONFIRM_DAYS, hours=1)
    # One reader asked again a day before the purge: the newest link still holds.
    Subscription.objects.filter(email="asked-again@example.org").update(
        confirmation_sent_at=later - datetime.timedelta(days=1)
    )
    with time_machine.travel(later, tick=False):
        out = io.StringIO()
        call_command("purge_subscriptions", stdout=out)
        assert out.getvalue().startswith("1 ")
        call_command("purge_subscriptions", stdout=io.StringIO())  # twice is fine
    assert set(Subscription.objects.values_list("email", flat=True)) == {
        "confirmed@example.org",
        "asked-again@example.org",
    }
    # The forgotten reader may subscribe again, afresh.
    response = client.post(f"/subscriptions/{textbook.slug}/", {"email": "waiting@example.org"})
    assert response.status_code == 200
    assert Subscription.objects.filter(email="waiting@example.org", confirmed_at=None).exists()
