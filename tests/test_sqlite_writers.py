"""Two requests that each read, then write, at the same time on SQLite (the embedded default
behind runserver's threads): the second waits for the first instead of failing with
"database is locked" (found by benchmarks/load_test.py: a 500 on a selection approval)."""

import threading
import time

from django.db import connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from cms.settings.base import SQLITE_OPTIONS


def test_two_read_then_write_transactions_on_sqlite_both_commit(tmp_path, django_db_blocker):
    database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": SQLITE_OPTIONS,
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    # A database of its own, not the suite's (which may be PostgreSQL).
    with django_db_blocker.unblock():
        errors, approvals = two_approvals(database)
    assert (errors, approvals) == ([], 2)


def two_approvals(database):
    setup = DatabaseWrapper(database, "scratch")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE plan (id integer PRIMARY KEY, approvals integer)")
        cursor.execute("INSERT INTO plan VALUES (1, 0)")
    setup.close()
    errors = []

    def approve():  # as a service: read the row, then write, in one transaction
        connections["scratch"] = DatabaseWrapper(database, "scratch")
        try:
            with transaction.atomic(using="scratch"), connections["scratch"].cursor() as cursor:
                cursor.execute("SELECT approvals FROM plan WHERE id = 1")
                time.sleep(0.3)  # the other request reads meanwhile
                cursor.execute("UPDATE plan SET approvals = approvals + 1 WHERE id = 1")
        except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
            errors.append(str(exc))
        finally:
            connections["scratch"].close()
            del connections["scratch"]

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    check = DatabaseWrapper(database, "scratch")
    with check.cursor() as cursor:
        cursor.execute("SELECT approvals FROM plan WHERE id = 1")
        approvals = cursor.fetchone()[0]
    check.close()
    return errors, approvals
