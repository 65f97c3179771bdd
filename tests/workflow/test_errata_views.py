"""Errata screens: the public report form, the submit screen's queue, triage by role."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from cms.site import errata as site_errata
from textbooks.models import UnitPage
from workflow.models import CaseKind, Edition, Erratum, ErratumState
from workflow.services import errata

from .conftest import add_leaf, edit_leaf, passed_case, published_edition
from .test_views import outcome

ROLES = ["anonymous", "author", "other_author", "reviewer", "political", "committee"]
ROLES += ["province", "national"]
TRIAGERS = {"author", "province", "national"}  # a Jiangsu textbook


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
    for n in range(errata.REPORTS_PER_HOUR):
        assert client.post(published["url"], REPORT | {"correction": f"{n}"}).status_code == 302
    response = client.post(published["url"], REPORT)
    assert response.status_code == 429
    assert "每个网络地址每小时最多提交 5 条" in response.content.decode()
    assert "主轴转速 S100</textarea>" in response.content.decode()
    assert Erratum.objects.count() == errata.REPORTS_PER_HOUR


def test_a_report_sent_twice_is_one_erratum_and_the_second_post_says_so(client, published):
    first = client.post(published["url"], REPORT | {"name": "王老师"}, follow=True)
    assert "感谢您的勘误报告" in first.content.decode()
    again = client.post(published["url"], REPORT | {"name": "王老师"}, follow=True)
    assert again.redirect_chain == [(published["url"], 302)]
    text = again.content.decode()
    assert "这条勘误我们已经收到，无需重复提交" in text
    assert "感谢您的勘误报告！编写团队核实" not in text
    assert Erratum.objects.count() == 1
    # Sent again, it cost nothing: the address still has its four other reports this hour.
    for n in range(errata.REPORTS_PER_HOUR - 1):
        assert client.post(published["url"], REPORT | {"correction": f"{n}"}).status_code == 302
    assert Erratum.objects.count() == errata.REPORTS_PER_HOUR


def test_a_different_report_or_reporter_is_a_new_erratum(client, published):
    client.post(published["url"], REPORT)
    client.post(published["url"], REPORT | {"correction": "应为 S1500"})
    client.post(published["url"], REPORT | {"name": "李老师"})
    client.post(published["url"], REPORT, REMOTE_ADDR="198.51.100.9")
    assert Erratum.objects.count() == 4


def test_the_same_report_after_the_window_is_a_new_erratum(client, published):
    client.post(published["url"], REPORT)
    Erratum.objects.update(created_at=timezone.now() - errata.RESENT_WITHIN)
    client.post(published["url"], REPORT)
    assert Erratum.objects.count() == 2


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

    def new(correction):
        return errata.report(
            published["edition"], "unit-1", address=role, quoted_text="S100", correction=correction
        )

    def post(erratum, **data):
        url = reverse("workflow:erratum", args=[erratum.pk])
        return client.post(url, {"reason": ""} | data, follow=True)

    original, accepted, declined, duplicate = (new(c) for c in ("S1000", "S1001", "S10", "S1k"))
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


def accept_over_http(client, erratum, user):
    client.force_login(user)
    detail = reverse("workflow:erratum", args=[erratum.pk])
    client.post(detail, {"action": "triage", "reason": ""})
    response = client.post(detail, {"action": "accept", "reason": "核实无误"}, follow=True)
    assert "勘误状态：已采纳。" in response.content.decode()


def publish_over_http(client, case, admin):
    client.force_login(admin)
    response = client.post(reverse("workflow:publish", args=[case.pk]), follow=True)
    assert "已发布第" in response.content.decode()
    return Edition.objects.get(review_case=case)


def test_problem_11_an_erratum_stays_queued_until_a_revision_changes_its_leaf(client, published):
    u, textbook = published["users"], published["textbook"]
    assert client.post(published["url"], REPORT).status_code == 302  # a teacher, unit 1
    erratum = Erratum.objects.get()
    accept_over_http(client, erratum, u["author"])

    # The next revision changes unit 2 only.
    edit_leaf(published["leaves"][1], "第二单元修订", u["author"])
    case = passed_case(textbook, u["author"], u["reviewer"], u["national"], kind=CaseKind.MINOR)
    assert publish_over_http(client, case, u["national"]).version == "1.1"

    erratum.refresh_from_db()
    assert (erratum.state, erratum.fixed_in) == (ErratumState.ACCEPTED, None)
    client.logout()
    for version in ("1.0", "1.1"):
        page = client.get(reverse("editions:leaf", args=[textbook.slug, version, "unit-1"]))
        assert "已更正" not in page.content.decode(), version
    live = UnitPage.objects.get(pk=published["leaves"][0].pk)
    assert "已更正" not in client.get(live.url).content.decode()
    client.force_login(u["author"])
    submit = client.get(reverse("workflow:submit", args=[textbook.pk])).content.decode()
    assert "S100" in submit[submit.index('id="open-errata"') :]  # still queued

    # The revision after it corrects unit 1: now the erratum is fixed, in that edition.
    edit_leaf(published["leaves"][0], "主轴转速 S1000", u["author"])
    case = passed_case(textbook, u["author"], u["reviewer"], u["national"], kind=CaseKind.MINOR)
    third = publish_over_http(client, case, u["national"])
    erratum.refresh_from_db()
    assert erratum.fixed_in == third
    client.logout()
    page = client.get(reverse("editions:leaf", args=[textbook.slug, "1.1", "unit-1"]))
    assert "第 1.2 版已更正：“主轴转速 S100” → “应为 S1000”" in page.content.decode()


def post_at_once(url, posts, monkeypatch):
    """Each of ``posts`` (extra request headers) sent from its own browser at the same moment.

    Every request's first use of the rate-limit counter waits until all have arrived, so none
    can act on a count another has not made yet; from there on the counter's operations run
    concurrently. Everything else runs one request at a time: an in-memory SQLite database
    refuses concurrent writers ("table is locked"), and the database is not under test here.
    """
    backend = type(caches["default"])
    arrived = threading.Barrier(len(posts), timeout=30)
    one_at_a_time = threading.Lock()
    state = threading.local()

    def concurrently(method):
        def outside_the_lock(self, key, *args, **kwargs):
            if not key.startswith("errata:") or getattr(state, "inside", False):
                return method(self, key, *args, **kwargs)  # not the counter, or nested
            one_at_a_time.release()
            state.inside = True
            try:
                if not getattr(state, "arrived", False):
                    state.arrived = True
                    arrived.wait()
                return method(self, key, *args, **kwargs)
            finally:
                state.inside = False
                one_at_a_time.acquire()

        return outside_the_lock

    for name in ("get", "set", "add", "incr"):
        monkeypatch.setattr(backend, name, concurrently(getattr(backend, name)))

    def send(extra):
        data = REPORT | {"correction": extra.pop("correction", REPORT["correction"])}
        with one_at_a_time:
            try:
                return Client().post(url, data, **extra)
            finally:
                connection.close()

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(send, posts))


@pytest.fixture
def production_cache(db, settings):
    """The cache production runs on (cms.cache.DatabaseCache), in a table of the test database."""
    settings.CACHES = {
        "default": {"BACKEND": "cms.cache.DatabaseCache", "LOCATION": "test_errata_cache"}
    }
    call_command("createcachetable", verbosity=0)
    yield caches["default"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_errata_cache")


@pytest.fixture(params=["test settings' cache", "production's database cache"])
def any_cache(request):
    """Each cache backend the rate limit counts in: the one tests run on, and production's
    (its concurrency needs row locks, so PostgreSQL)."""
    if request.param.startswith("production"):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (SQLite has no row locks); runs in the PostgreSQL pass")
        return request.getfixturevalue("production_cache")
    return caches["default"]


def test_problem_11_ten_simultaneous_reports_from_one_address_five_pass(
    transactional_db, any_cache, published, monkeypatch
):
    posts = [{"correction": f"应为 S{n}"} for n in range(10)]  # ten different reports
    responses = post_at_once(published["url"], posts, monkeypatch)

    assert sorted(r.status_code for r in responses) == [302] * 5 + [429] * 5
    for refused in (r for r in responses if r.status_code == 429):
        assert "每个网络地址每小时最多提交 5 条" in refused.content.decode()
    assert Erratum.objects.count() == 5


def test_a_double_click_files_one_erratum(transactional_db, any_cache, published, monkeypatch):
    responses = post_at_once(published["url"], [{}, {}], monkeypatch)

    assert [r.status_code for r in responses] == [302, 302]
    assert Erratum.objects.count() == 1


def test_production_cache_counts_keep_their_hour(production_cache, published):
    for n in range(3):
        errata.report(
            published["edition"], "unit-1", address="a", quoted_text="S100", correction=f"S{n}"
        )
    key = production_cache.make_and_validate_key("errata:reports:" + errata.address_hash("a"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM test_errata_cache WHERE cache_key = %s", [key])
        (expires,) = cursor.fetchone()
    if isinstance(expires, str):  # SQLite hands back text
        expires = datetime.datetime.fromisoformat(expires)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, datetime.UTC)
    remaining = expires - timezone.now()
    assert remaining > datetime.timedelta(minutes=59)  # Django's incr() would leave five
    assert production_cache.get("errata:reports:" + errata.address_hash("a")) == 3


def test_problem_11_teachers_behind_the_proxy_are_counted_apart(client, published, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1

    sent = iter(range(100))

    def via_proxy(forwarded_for):  # every request reaches Django from the proxy's address
        data = REPORT | {"correction": f"应为 S{next(sent)}"}  # each a report of its own
        return client.post(
            published["url"], data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for
        )

    for _ in range(errata.REPORTS_PER_HOUR):
        assert via_proxy("203.0.113.7").status_code == 302
    assert via_proxy("203.0.113.7").status_code == 429
    # What a teacher's browser sends itself stands left of what the proxy appended.
    assert via_proxy("198.51.100.99, 203.0.113.7").status_code == 429
    assert via_proxy("198.51.100.1").status_code == 302  # another teacher
    hashes = set(Erratum.objects.values_list("reporter_ip_hash", flat=True))
    assert hashes == {errata.address_hash("203.0.113.7"), errata.address_hash("198.51.100.1")}


def test_without_a_trusted_proxy_header_forwarded_addresses_are_ignored(client, published):
    for n in range(errata.REPORTS_PER_HOUR):
        data = REPORT | {"correction": f"{n}"}
        client.post(published["url"], data, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = client.post(published["url"], REPORT, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded_for", "client_address"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (2, "1.2.3.4, 203.0.113.7, 10.0.0.1", "203.0.113.7"),  # a CDN, then the load balancer
        (2, "203.0.113.7", "203.0.113.7"),  # fewer hops than proxies: the furthest one seen
        (1, " , ", "10.0.0.2"),  # nothing usable: the peer's address
    ],
)
def test_the_client_is_the_hop_the_outermost_trusted_proxy_saw(
    settings, count, forwarded_for, client_address
):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"  # the header's name works too
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert site_errata.client_address(request) == client_address
