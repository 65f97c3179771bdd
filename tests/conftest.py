"""Fixtures shared by every app's tests: users per role and textbooks created the real way."""

import io
import itertools
import os
import re
import sqlite3
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cms.search import service
from textbooks import roles
from textbooks.models import Course, Institution, Textbook
from textbooks.services import create_textbook
from textbooks.validators import isbn13_check_digit

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The public forms' rate limits count in the cache, which outlives a test: each test (and
    each demo load, see demo_catalogue) starts without earlier tests' submissions."""
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username=None, *roles_, institution=None, **fields):
        username = username or f"user{next(_serial)}"
        user = get_user_model().objects.create_user(
            username=username, password="pw", email=f"{username}@example.org", **fields
        )
        for role in roles_:
            user.groups.add(Group.objects.get(name=role))
        if institution is not None:
            institution.members.add(user)
        return user

    return make


# The demo is loaded once per worker and put back where a test needs it fresh: loading it takes
# 15–30 s. SQLite in memory (the first pass of make test, and where the browser tests run):
# put back from a copy through SQLite's backup API, a fraction of a second. PostgreSQL: loaded
# into a database of its own, which each demo module gets a copy of (CREATE DATABASE …
# TEMPLATE, about a second).
_copies = {}


def copies_databases():
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def _copy(name):
    connection.ensure_connection()
    copy = _copies[name] = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)


def _put_back(name):
    connection.ensure_connection()
    _copies[name].backup(connection.connection)
    cache.clear()  # what the cache holds (sites, rate limits) belongs to the replaced rows


def load_demo_committed(name):
    """The demo, loaded and committed as `make demo` does (its archives and print PDFs
    written after publishing), or put back as this worker's first load of ``name`` left it."""
    if name in _copies:
        _put_back(name)
        return
    call_command("load_demo", stdout=io.StringIO())
    service.rebuild()
    if copies_databases():
        _copy(name)


class PostgresCopies:
    """This worker's test database (``home``), a copy of it as migrated, taken before any
    test connected, and the demo loaded into a copy of that: CREATE DATABASE … TEMPLATE
    refuses a template anyone is connected to, and tests leave connections to ``home`` in
    threads of their own."""

    def __init__(self):
        self.home = connection.settings_dict["NAME"]
        self.migrated, self.demo = f"{self.home}_migrated", f"{self.home}_demo"
        self.demo_loaded = False

    @staticmethod
    def execute(sql):
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql)

    def create(self, name, template):
        quote = connection.ops.quote_name
        self.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
        self.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")

    @staticmethod
    def use(name):
        connection.close()
        connection.settings_dict["NAME"] = name
        cache.clear()  # what the cache holds (sites, rate limits) belongs to the other rows

    def demo_copy(self, name):
        """Connect to a fresh copy of the demo, named ``name``, loading the demo first if this
        worker has not yet."""
        if not self.demo_loaded:
            self.create(self.demo, self.migrated)
            self.use(self.demo)
            call_command("load_demo", stdout=io.StringIO())
            service.rebuild()
            self.demo_loaded = True
        self.use(self.home)
        self.create(name, self.demo)
        self.use(name)

    def drop(self, name):
        self.use(self.home)
        self.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


_postgres = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and a copy of it as migrated (see ``_copies``)."""
    global _postgres
    with django_db_blocker.unblock():
        if copies_databases():
            _copy("migrated")
        elif connection.vendor == "postgresql":
            _postgres = PostgresCopies()
            connection.close()
            _postgres.create(_postgres.migrated, _postgres.home)
    yield
    if _postgres is not None:
        with django_db_blocker.unblock():
            for name in (_postgres.demo, _postgres.migrated):
                _postgres.drop(name)


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker):
    """{slug: textbook id} of the demo catalogue, committed and indexed by the database
    backend, for every test of the module; each test runs in a savepoint inside it
    (pytest-django's ``db``). The database as migrated is put back afterwards (``_copies``).
    """
    with django_db_blocker.unblock():
        copy = f"{_postgres.home}_module" if _postgres else None
        with override_settings(ELASTICSEARCH_URL=""):
            if copy:
                _postgres.demo_copy(copy)
            else:
                load_demo_committed("catalogue")
        yield dict(Textbook.objects.values_list("slug", "pk"))
        if copy:
            _postgres.drop(copy)
        else:
            _put_back("migrated")


@pytest.fixture
def live_demo(transactional_db, live_server, settings):
    """The demo behind a live server, committed (a transactional test): its base URL."""
    settings.ELASTICSEARCH_URL = ""
    settings.PUBLIC_BASE_URL = live_server.url  # what QR codes encode, as on paper
    load_demo_committed("live")
    return live_server.url


@pytest.fixture
def database_only(settings):
    """Search and index through the database backend even when ELASTICSEARCH_URL is set."""
    settings.ELASTICSEARCH_URL = ""


# Everyone who may visit a public page: anonymous (None) and every role in ``users``.
VISITORS = [
    None,
    "author",
    "other_author",
    "reviewer",
    "political",
    "committee",
    "province",
    "national",
]


@pytest.fixture
def users(make_user):
    """One user per role, plus a second author who writes nothing of the default textbook.
    The provincial administrator is Jiangsu's (a member of its education department)."""
    jiangsu = Institution.objects.create(name="江苏省教育厅", kind="authority", province="JS")
    return {
        "author": make_user("author", roles.AUTHOR),
        "other_author": make_user("other_author", roles.AUTHOR),
        "reviewer": make_user("reviewer", roles.REVIEWER),
        "political": make_user("political", roles.POLITICAL_REVIEWER),
        "committee": make_user("committee", roles.SELECTION_COMMITTEE),
        "province": make_user("province", roles.PROVINCIAL_ADMIN, institution=jiangsu),
        "national": make_user("national", roles.NATIONAL_ADMIN),
    }


def valid_isbn(n):
    first12 = f"978711{n:06d}"
    return first12 + isbn13_check_digit(first12)


@pytest.fixture
def make_institution(db):
    def make(name, kind, province="JS"):
        return Institution.objects.get_or_create(
            name=name, defaults={"kind": kind, "province": province}
        )[0]

    return make


@pytest.fixture
def course(db):
    return Course.objects.create(name="数控机床编程与操作", course_type="professional")


@pytest.fixture
def make_textbook(course):
    def make(chief, *, authors=(), co_developers=(), courses=None, **fields):
        n = next(_serial)
        defaults = {
            "title": f"数控机床编程与操作 第{n}册",
            "slug": f"textbook-{n}",
            "isbn": valid_isbn(n),
            "is_loose_leaf": True,
            "tier": "national",
            "editor_in_chief": chief,
        }
        defaults.update(fields)
        return create_textbook(
            Textbook(**defaults),
            user=chief,
            courses=courses if courses is not None else [course],
            authors=list(authors),
            co_developers=list(co_developers),
        )

    return make


def pytest_collection_modifyitems(items):
    """A transactional test (live server, row-lock races) ends by flushing the database, taking
    with it what the migrations created: the role groups, the home and catalogue pages. With
    several such tests on one worker, the second would start without them: restore the
    migrated content at the start of each (serialized rollback)."""
    for item in items:
        if {"transactional_db", "live_server"} & set(item.fixturenames):
            item.add_marker(
                pytest.mark.django_db(transaction=True, serialized_rollback=True), append=False
            )


CHROMIUM = "/usr/bin/chromium"
requires_browser = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (run `make browser-deps` as root)",
    ),
]


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright (`playwright install` cannot download here)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


_screenshot_folders = []


@pytest.fixture
def screenshots(request):
    """``screenshots(page, name)`` saves a full-page screenshot of the screen as a test
    artifact; the folder is named at the end of the test run."""
    from tests.browser_helpers import Screenshots, artifacts_root

    shots = Screenshots(artifacts_root() / re.sub(r"[^0-9A-Za-z_-]+", "-", request.node.name))
    _screenshot_folders.append(shots.folder)
    return shots


def pytest_terminal_summary(terminalreporter):
    if _screenshot_folders:
        terminalreporter.write_sep("-", "browser screenshots")
        for folder in dict.fromkeys(_screenshot_folders):
            terminalreporter.write_line(str(folder))
