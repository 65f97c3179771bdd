"""Load test: teachers search and read while school committees file selections and
reviewers and administrators decide, against a running server on 127.0.0.1.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/textbooks_load   # or unset: SQLite
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py load_demo
    .venv/bin/python benchmarks/load_test.py --prepare --requests 2000
    .venv/bin/python benchmarks/load_test.py --requests 2000 --clients 12 --server

``--prepare`` creates, through the project's services, the work a run of that size consumes
(each run uses it up: prepare again before the next run): review cases submitted and assigned
to a demo reviewer, cases whose opinions are in (ready for a decision), schools with a
committee of three and a draft plan for the current term, and plans announced at their school
whose notice period is over (ready to file). It tops up what is missing, so preparing twice
creates nothing the second time.

A run is a fixed number of requests (``--requests``) in sessions, shuffled with ``--seed`` and
played by ``--clients`` threads, each session with its own cookies, as a browser:

- teacher (5 requests, no account): a search with words, a search with facets, a textbook
  page, a leaf page, then an old edition's leaf or the comparison of two editions;
- committee drafting (8): log in (GET the form, POST it with its CSRF token), the selection
  list, the plan's form, POST a line (a course and the edition chosen), the plan, POST approve,
  the plan with the message; the second member's approval makes the quorum;
- committee filing (5): log in, the plan, POST file, the plan with the message;
- reviewer (6): log in, the dashboard, the review screen, POST the opinion, the case page;
- administrator deciding (5): log in, the case, POST decide, the case with the message. Two
  administrators (national and provincial) decide each case at once: one decision is
  recorded, the other is refused with the message that someone else has handled the case.

Every request has the statuses it may answer; anything else (any 5xx) is an error, as is a
write whose message is missing. The refusal of the second decision is expected and counted on
its own. After the run the database is checked for the writes (opinions, decisions, approved
and filed plans). Prints requests/s, p50 and p95 per kind and overall; figures go to
benchmarks/README.md.

``--server`` starts ``manage.py runserver`` (threaded, cms.settings.dev) on ``--port`` and stops
it afterwards; without it the server at ``--port`` is used, which must read the same database.
"""

import argparse
import datetime
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

PASSWORD = "demo-pass-2026"  # the demo's (cms.demo.catalogue.PASSWORD)
SCHOOL_PREFIX = "负载测试学校"
TEXTBOOK_PREFIX = "load-"
DECIDERS = ("national", "province")
# Lines a committee member adds: (course, textbook slug) of the demo's accepted plan.
LINES = [
    ("数控机床编程与操作", "cnc-programming"),
    ("中国特色社会主义", "socialism-with-chinese-characteristics"),
    ("语文", "chinese-language-basic"),
]
WORDS = [
    "数控",
    "编程",
    "护理",
    "Python",
    "G71",
    "新能源汽车",
    "会计",
    "网络安全",
    "机器人",
    "电池",
]
FACETS = [
    {"tier": "national"},
    {"form": "loose_leaf"},
    {"co_developed": "true"},
    {"recently_updated": "true"},
    {"tier": "provincial", "form": "workbook"},
]
# Requests per session, and the share of all requests each kind of writing session takes;
# teachers take the rest.
LENGTH = {"teacher": 5, "select": 8, "file": 5, "opinion": 6, "decide": 5}
SHARE = {"select": 0.16, "file": 0.05, "opinion": 0.12, "decide": 0.07}
# Refusals a losing concurrent decision may show (workflow.services.review).
REFUSALS = ("已被他人处理", "不能")


def needs(total):
    """What a run of ``total`` requests consumes: draft plans (two members each), plans to
    file, open assignments, and cases to decide (two administrators each)."""
    return {
        "select": max(1, round(total * SHARE["select"] / (2 * LENGTH["select"]))),
        "file": max(1, round(total * SHARE["file"] / LENGTH["file"])),
        "opinion": max(1, round(total * SHARE["opinion"] / LENGTH["opinion"])),
        "decide": max(1, round(total * SHARE["decide"] / (2 * LENGTH["decide"]))),
    }


# ---- the work in the database ----------------------------------------------------------------


def available():
    """The prepared work not yet consumed, as {kind: [session arguments]}."""
    from django.db.models import F

    from textbooks import membership
    from workflow.models import (
        AssignmentState,
        CaseState,
        ReviewAssignment,
        ReviewCase,
        SelectionPlan,
        SelectionState,
    )
    from workflow.services import selection
    from workflow.services.review import missing_opinions

    plans = SelectionPlan.objects.filter(school__name__startswith=SCHOOL_PREFIX).select_related(
        "school"
    )
    drafts = [
        (plan.pk, [m.username for m in membership.committee_of(plan.school).order_by("username")])
        for plan in plans.filter(state=SelectionState.DRAFT, approvals__isnull=True).order_by("pk")
    ]
    to_file = [
        (plan.pk, membership.committee_of(plan.school).order_by("username")[0].username)
        for plan in plans.filter(state=SelectionState.PUBLIC_NOTICE).order_by("pk")
        if selection.notice_is_over(plan)
    ]
    opinions = [
        (a.pk, a.reviewer.username)
        for a in ReviewAssignment.objects.filter(
            track__case__textbook__slug__startswith=TEXTBOOK_PREFIX,
            track__case__state=CaseState.IN_REVIEW,
            state=AssignmentState.ACTIVE,
            opinion__isnull=True,
            round=F("track__case__round"),
        )
        .select_related("reviewer")
        .order_by("pk")
    ]
    waiting = {pk for pk, _username in opinions}
    cases = ReviewCase.objects.filter(
        textbook__slug__startswith=TEXTBOOK_PREFIX, state=CaseState.IN_REVIEW
    ).order_by("pk")
    decisions = [
        case.pk
        for case in cases
        if not missing_opinions(case)
        and not ReviewAssignment.objects.filter(track__case=case, pk__in=waiting).exists()
    ]
    return {"select": drafts, "file": to_file, "opinion": opinions, "decide": decisions}


def prepare(total, stdout=print):
    """Create, through the services, what a run of ``total`` requests needs and is missing."""
    have = {kind: len(work) for kind, work in available().items()}
    for kind, wanted in needs(total).items():
        missing = max(0, wanted - have[kind])
        for _ in range(missing):
            MAKERS[kind]()
        stdout(f"{kind}: {have[kind]} ready, {missing} created")


def _users(*usernames):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(usernames, field_name="username")
    return [users[name] for name in usernames]


def _serial(model, **prefix_lookup):
    return model.objects.filter(**prefix_lookup).count() + 1


def _new_school():
    """A school of Jiangsu (the demo's provincial administrator's) with a committee of three."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from textbooks import membership, roles
    from textbooks.models import Institution, InstitutionKind, MemberRole

    n = _serial(Institution, name__startswith=SCHOOL_PREFIX)
    school = Institution.objects.create(
        name=f"{SCHOOL_PREFIX}{n:04d}", kind=InstitutionKind.SCHOOL, province="JS"
    )
    group = Group.objects.get(name=roles.SELECTION_COMMITTEE)
    password = make_password(PASSWORD)  # hashed once: the hasher is slow on purpose
    members = []
    for k in range(3):
        user = get_user_model().objects.create(
            username=f"load-{n:04d}-c{k}",
            last_name="负载",
            first_name=f"{n}-{k}",
            password=password,
        )
        user.groups.add(group)
        membership.join(user, school, MemberRole.COMMITTEE)
        members.append(user)
    return school, members


def _line(plan, member, index):
    from textbooks.models import Course
    from workflow.models import Edition
    from workflow.services import selection

    course, slug = LINES[index % len(LINES)]
    selection.save_line(
        plan,
        user=member,
        course=Course.objects.get(name=course),
        edition=Edition.objects.current().get(textbook__slug=slug),
        expected_students=60,
        reason="负载测试：专业教学需要",
    )


def make_draft_plan():
    from workflow.services import selection

    school, members = _new_school()
    year, season = selection.current_term()
    selection.create_plan(user=members[0], school=school, year=year, season=season)


def make_plan_to_file():
    """A plan approved by two members and announced; its notice period ended a minute ago."""
    from django.utils import timezone

    from workflow.models import SelectionPlan
    from workflow.services import selection

    school, members = _new_school()
    year, season = selection.current_term()
    plan = selection.create_plan(user=members[0], school=school, year=year, season=season)
    for index in range(len(LINES)):
        _line(plan, members[0], index)
    for member in members[:2]:
        plan = selection.approve(plan, user=member)
    plan = selection.start_notice(plan, user=members[0])
    ended = timezone.now() - datetime.timedelta(minutes=1)
    SelectionPlan.objects.filter(pk=plan.pk).update(
        notice_starts_at=ended - (plan.notice_ends_at - plan.notice_starts_at),
        notice_ends_at=ended,
    )


def _submitted_case():
    """A new school-tier textbook of the demo author with one leaf, submitted for its first
    review and assigned to one demo reviewer who need not recuse himself (round robin)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from textbooks.blocks import LeafStreamBlock
    from textbooks.models import Course, Textbook, TextbookPage, UnitPage
    from textbooks.services import create_textbook
    from workflow.models import CaseKind
    from workflow.services import review
    from workflow.services.rules import recusal_reason, reviewer_qualification_error

    author, national = _users("author", "national")
    n = _serial(Textbook, slug__startswith=TEXTBOOK_PREFIX)
    textbook = create_textbook(
        Textbook(
            title=f"负载测试教材 {n:04d}：数控编程实训",
            slug=f"{TEXTBOOK_PREFIX}{n:04d}",
            tier="school",
            is_workbook=True,
            editor_in_chief=author,
            province="JS",
        ),
        user=author,
        courses=Course.objects.filter(name=LINES[0][0]),
    )
    page = TextbookPage.objects.get(textbook=textbook)
    leaf = UnitPage(
        title="项目一 G71 外圆粗车循环",
        slug="unit-1",
        number="1",
        summary="G71 循环的编程与仿真",
        body=LeafStreamBlock().to_python(
            [{"type": "rich_text", "value": "<p>G71 外圆粗车循环的指令格式与参数。</p>"}]
        ),
        owner=author,
        live=False,
    )
    page.add_child(instance=leaf)
    leaf.save_revision(user=author, log_action=True)
    case = review.open_case(textbook, user=author, kind=CaseKind.INITIAL)
    case = review.submit(case, user=author, change_summary="负载测试：首次编写送审")
    track = case.tracks.get()
    experts = [
        user
        for user in get_user_model()
        .objects.filter(username__startswith="reviewer")
        .order_by("username")
        if reviewer_qualification_error(user, track.kind) is None
        and recusal_reason(user, textbook, case) is None
    ]
    reviewer = experts[n % len(experts)]
    due = timezone.localdate() + datetime.timedelta(days=14)
    assignment = review.assign_reviewer(
        case, user=national, reviewer=reviewer, track_kind=track.kind, due_date=due
    )
    return case, assignment, reviewer


def make_open_assignment():
    _submitted_case()


def make_case_to_decide():
    from workflow.models import Outcome
    from workflow.services import review

    _case, assignment, reviewer = _submitted_case()
    review.record_opinion(
        assignment,
        user=reviewer,
        scores={"ideological_soundness": 5, "scientific_accuracy": 5, "suitability": 4},
        comment="负载测试：内容准确，同意通过。",
        outcome=Outcome.PASS,
    )


MAKERS = {
    "select": make_draft_plan,
    "file": make_plan_to_file,
    "opinion": make_open_assignment,
    "decide": make_case_to_decide,
}


def reading_targets():
    """What teachers read: the published textbooks, their current leaves, and the textbooks
    with an older edition (its leaves and the comparison with its successor)."""
    from workflow.models import Edition

    current = Edition.objects.current().select_related("textbook").order_by("textbook__slug")
    textbooks = [
        (e.textbook.slug, [leaf.page.slug for leaf in e.leaves.select_related("page")])
        for e in current
    ]
    old = [
        (
            e.textbook.slug,
            e.version,
            e.successor.version,
            [leaf.page.slug for leaf in e.leaves.all()],
        )
        for e in Edition.objects.filter(successor__isnull=False)
        .select_related("textbook", "successor")
        .prefetch_related("leaves__page")
        .order_by("textbook__slug", "major", "minor")
    ]
    return [t for t in textbooks if t[1]], old


# ---- the sessions ------------------------------------------------------------------------------


class SessionAborted(Exception):
    """A request failed; the rest of the session depends on it and is not sent."""


@dataclass
class Sample:
    kind: str
    status: int | None
    ms: float
    outcome: str = "ok"  # or "expected" (a refusal the scenario expects) or "error"
    detail: str = ""


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MESSAGE = re.compile(r'<li class="(success|error|warning|info)[^"]*">(.*?)(?:<button|</li>)', re.S)
TAG = re.compile(r"<[^>]+>")


def messages(html):
    """[(level, text)] of the admin's messages on a page."""
    return [
        (level, " ".join(unescape(TAG.sub(" ", text)).split()))
        for level, text in MESSAGE.findall(html)
    ]


class Browser:
    """One visitor: a cookie jar, the CSRF token of the last form read, and the samples of
    the session's requests (``length`` of them; those not sent after a failure are errors)."""

    def __init__(self, base, length):
        self.base, self.length, self.samples = base, length, []
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
        self.csrf = ""

    def get(self, kind, path):
        return self._send(kind, "GET", path, (200,))

    def post(self, kind, path, data):
        """POST a form with the CSRF token read from the last page, as the browser does; the
        view answers a successful write with a redirect."""
        return self._send(kind, "POST", path, (302,), {"csrfmiddlewaretoken": self.csrf, **data})

    def _send(self, kind, method, path, expect, data=None):
        sample = Sample(kind, None, 0.0)
        self.samples.append(sample)
        start = time.perf_counter()
        try:
            response = self.http.request(
                method, self.base + path, data=data, allow_redirects=False, timeout=120
            )
        except requests.RequestException as exc:
            sample.ms = _ms(start)
            self._fail(sample, f"{method} {path}: {exc!r}")
        sample.ms, sample.status = _ms(start), response.status_code
        if response.status_code not in expect:
            self._fail(sample, f"{method} {path}: {response.status_code} {_gist(response)}")
        token = CSRF.search(response.text)
        if token:
            self.csrf = token.group(1)
        return response

    def _fail(self, sample, detail):
        sample.outcome, sample.detail = "error", detail
        raise SessionAborted(detail)

    def write(self, kind, path, data, then, success):
        """POST a write, then GET the page it redirects to and judge the write by the message
        shown there: ``success`` is ok; an expected refusal (REFUSALS) is counted as expected
        on the POST; anything else is an error."""
        self.post(kind, path, data)
        posted = self.samples[-1]
        shown = messages(self.get(f"{kind} → page", then).text)
        if any(level == "success" and success in text for level, text in shown):
            return True
        if any(level == "error" and any(r in text for r in REFUSALS) for level, text in shown):
            posted.outcome = "expected"
            return False
        self._fail(posted, f"POST {path}: {shown or 'no message'}")

    def login(self, username):
        self.get("login form", "/admin/login/")
        self.post("login POST", "/admin/login/", {"username": username, "password": PASSWORD})

    def finish(self):
        """The samples, with the requests an abort left unsent counted as errors."""
        unsent = self.length - len(self.samples)
        return self.samples + [Sample("(not sent)", None, 0.0, "error")] * unsent


def _ms(start):
    return (time.perf_counter() - start) * 1000


def _gist(response):
    """What the server said, briefly: the exception of a debug page, or the start of the body."""
    match = re.search(r"<title>(.*?)</title>", response.text, re.S)
    return " ".join((match.group(1) if match else response.text[:200]).split())


def teacher(browser, searches, textbook, leaf, old_reading):
    words, facets = searches
    browser.get("search words", f"/search/?q={words}")
    browser.get("search facets", f"/search/?{facets}")
    browser.get("textbook page", f"/textbooks/{textbook}/")
    browser.get("leaf page", f"/textbooks/{textbook}/{leaf}/")
    browser.get(*old_reading)


def select(browser, plan, member, line):
    """A committee member adds a course's line to the draft plan and approves it."""
    url = f"/admin/reviews/selections/{plan}/"
    browser.login(member)
    browser.get("selection list", "/admin/reviews/selections/")
    browser.get("selection form", url)
    browser.write("selection line POST", url, line, url, "已保存课程")
    browser.write("approve POST", f"{url}approve/", {}, url, "已记录您的同意")


def file(browser, plan, member):
    url = f"/admin/reviews/selections/{plan}/"
    browser.login(member)
    browser.get("selection form", url)
    browser.write("file POST", f"{url}file/", {}, url, "已报备")


def opinion(browser, assignment, reviewer, case):
    url = f"/admin/reviews/assignments/{assignment}/"
    browser.login(reviewer)
    browser.get("dashboard", "/admin/")
    browser.get("review screen", url)
    data = {
        "ideological_soundness": 5,
        "scientific_accuracy": 5,
        "suitability": 4,
        "comment": "负载测试：内容科学准确，同意通过。",
        "outcome": "pass",
    }
    browser.write("opinion POST", url, data, f"/admin/reviews/{case}/", "审核意见已提交")


def decide(browser, case, administrator):
    url = f"/admin/reviews/{case}/"
    browser.login(administrator)
    browser.get("case page", url)
    browser.write("decide POST", f"{url}decide/", {"reason": "负载测试：同意"}, url, "审核结论")


# ---- the run -----------------------------------------------------------------------------------


def plan_sessions(total, seed):
    """The run's sessions, [(name, length, function, arguments)], exactly ``total`` requests:
    the writing sessions the prepared work allows (see ``needs``), teachers for the rest, the
    last one cut short; shuffled, the two decisions on one case kept next to each other."""
    from textbooks.models import Course
    from workflow.models import Edition, ReviewAssignment

    rng = random.Random(seed)
    work, wanted = available(), needs(total)
    short = [kind for kind in wanted if len(work[kind]) < wanted[kind]]
    if short:
        raise SystemExit(f"not enough prepared work for {short}: run with --prepare first")
    lines = [
        {
            "course": Course.objects.get(name=course).pk,
            "edition": Edition.objects.current().get(textbook__slug=slug).pk,
            "expected_students": 60,
            "reason": "负载测试：专业教学需要",
        }
        for course, slug in LINES
    ]
    cases = dict(
        ReviewAssignment.objects.filter(pk__in=[pk for pk, _u in work["opinion"]]).values_list(
            "pk", "track__case"
        )
    )
    groups = []
    for i, (plan, members) in enumerate(work["select"][: wanted["select"]]):
        groups += [
            [("select", select, (plan, member, lines[(i + k) % len(lines)]))]
            for k, member in enumerate(members[:2])
        ]
    groups += [[("file", file, args)] for args in work["file"][: wanted["file"]]]
    groups += [
        [("opinion", opinion, (pk, reviewer, cases[pk]))]
        for pk, reviewer in work["opinion"][: wanted["opinion"]]
    ]
    groups += [
        [("decide", decide, (case, admin)) for admin in DECIDERS]
        for case in work["decide"][: wanted["decide"]]
    ]
    writing = sum(LENGTH[name] for group in groups for name, _f, _a in group)
    if writing > total:
        raise SystemExit(f"{total} requests are fewer than the writing sessions' {writing}")
    textbooks, old = reading_targets()
    readers = math.ceil((total - writing) / LENGTH["teacher"])
    for _ in range(readers):
        words = rng.choice(WORDS)
        facets = "&".join(f"{k}={v}" for k, v in rng.choice(FACETS).items())
        if rng.random() < 0.5:
            facets = f"q={rng.choice(WORDS)}&{facets}"
        slug, leaves = rng.choice(textbooks)
        old_slug, version, newer, old_leaves = rng.choice(old)
        base = f"/textbooks/{old_slug}/editions/{version}/"
        old_reading = rng.choice(
            [("old edition leaf", f"{base}{rng.choice(old_leaves)}/"),
             ("comparison", f"{base}compare/{newer}/")]
        )  # fmt: skip
        args = ((words, facets), slug, rng.choice(leaves), old_reading)
        groups.append([("teacher", teacher, args)])
    rng.shuffle(groups)
    sessions = [(name, LENGTH[name], f, a) for group in groups for name, f, a in group]
    excess = sum(s[1] for s in sessions) - total
    if excess:  # the last teacher reads less
        i = max(i for i, s in enumerate(sessions) if s[0] == "teacher")
        sessions[i] = (*sessions[i][:1], LENGTH["teacher"] - excess, *sessions[i][2:])
    return sessions


def play(base, session):
    name, length, function, args = session
    browser = Browser(base, length)
    try:
        function(_Capped(browser, length), *args)
    except SessionAborted:
        pass
    return name, browser.finish()


class _Capped:
    """The browser, refusing requests past the session's length (the last teacher's is cut)."""

    def __init__(self, browser, length):
        self._browser, self._length = browser, length

    def __getattr__(self, name):
        attr = getattr(self._browser, name)
        if name not in ("get", "post") or len(self._browser.samples) < self._length:
            return attr
        raise SessionAborted("session length reached")


def run(base, total, clients, seed, progress=False):
    """Play the sessions; return (samples, seconds, writes checked in the database)."""
    sessions = plan_sessions(total, seed)
    before = writes()
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(play, base, session) for session in sessions]
        for done, _future in enumerate(as_completed(futures), 1):
            if progress and done % max(1, len(sessions) // 10) == 0:
                print(f"  {done}/{len(sessions)} sessions", file=sys.stderr, flush=True)
        played = [future.result() for future in futures]
    seconds = time.perf_counter() - start
    samples = [sample for _name, session in played for sample in session]
    after = writes()
    counted = Counter(name for name, *_rest in sessions)
    expected = {
        "opinions recorded": counted["opinion"],
        "cases decided": counted["decide"] // len(DECIDERS),
        "plans approved": counted["select"] // 2,
        "plans filed": counted["file"],
    }
    made = {key: after[key] - before[key] for key in expected}
    return samples, seconds, {key: (made[key], expected[key]) for key in expected}


def writes():
    """Counts of what the writing sessions create, over the prepared work."""
    from workflow.models import Opinion, ReviewCase, SelectionPlan, SelectionState

    plans = SelectionPlan.objects.filter(school__name__startswith=SCHOOL_PREFIX)
    load_cases = ReviewCase.objects.filter(textbook__slug__startswith=TEXTBOOK_PREFIX)
    return {
        "opinions recorded": Opinion.objects.filter(assignment__track__case__in=load_cases).count(),
        "cases decided": load_cases.filter(decided_at__isnull=False).count(),
        "plans approved": plans.filter(state=SelectionState.APPROVED).count(),
        "plans filed": plans.filter(state=SelectionState.FILED).count(),
    }


def table(samples, seconds):
    """Rows (kind, requests, req/s, p50 ms, p95 ms, expected, errors), the total last."""
    by_kind = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    rows = [_row(kind, group, seconds) for kind, group in sorted(by_kind.items())]
    return rows + [_row("all", samples, seconds)]


def _row(kind, samples, seconds):
    times = sorted(s.ms for s in samples if s.status is not None)
    return (
        kind,
        len(samples),
        len(samples) / seconds,
        statistics.median(times) if times else 0.0,
        _percentile(times, 0.95),
        sum(s.outcome == "expected" for s in samples),
        sum(s.outcome == "error" for s in samples),
    )


def _percentile(times, q):
    if not times:
        return 0.0
    return times[min(len(times) - 1, math.ceil(q * len(times)) - 1)]


def report(samples, seconds, checked, stdout=print):
    stdout("| kind | requests | req/s | p50 ms | p95 ms | expected refusals | errors |")
    stdout("|---|---:|---:|---:|---:|---:|---:|")
    for kind, n, rate, p50, p95, expected, errors in table(samples, seconds):
        name = f"**{kind}**" if kind == "all" else kind
        stdout(f"| {name} | {n} | {rate:.1f} | {p50:.0f} | {p95:.0f} | {expected} | {errors} |")
    stdout(f"\n{len(samples)} requests in {seconds:.1f} s")
    for key, (made, expected) in checked.items():
        stdout(f"{key}: {made} (expected {expected})")
    for sample in [s for s in samples if s.outcome == "error"][:20]:
        stdout(f"ERROR {sample.kind}: {sample.detail}")


# ---- the server --------------------------------------------------------------------------------


def start_server(port):
    """``manage.py runserver`` (threaded) on 127.0.0.1:``port``, ready to answer."""
    log = tempfile.NamedTemporaryFile("w+", prefix="load_test_runserver_", suffix=".log")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        # Runserver logs every request: to a file, since a pipe nobody reads fills up and
        # blocks every request thread on the logging lock.
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=5)
            return server
        except requests.ConnectionError:
            if server.poll() is not None:
                log.seek(0)
                raise SystemExit(f"runserver exited: {log.read()}") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("runserver did not answer within 120 s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument("--prepare", action="store_true", help="create the work, then stop")
    parser.add_argument("--server", action="store_true", help="start runserver on --port")
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if options.prepare:
        # Mail goes nowhere (the dev settings print it).
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        prepare(options.requests)
        return
    # Stopped by a signal, still stop the server (the finally below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    server = start_server(options.port) if options.server else None
    try:
        samples, seconds, checked = run(
            f"http://127.0.0.1:{options.port}",
            options.requests,
            options.clients,
            options.seed,
            progress=True,
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    load = os.getloadavg()
    print(
        f"{options.requests} requests, {options.clients} clients, seed {options.seed}, "
        f"{connection.vendor}, {'runserver started here' if server else 'server at the port'}; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n"
    )
    report(samples, seconds, checked)
    failed = any(s.outcome == "error" for s in samples) or any(
        made != expected for made, expected in checked.values()
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
