"""The development server (runserver, cms.settings.dev) handles each request in a new thread:
the thread's database connection must be closed when its request ends, or every request
leaves one open until PostgreSQL refuses new clients (found by benchmarks/load_test.py)."""

import threading

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

from cms.settings import dev


def test_a_request_served_in_its_own_thread_leaves_no_database_connection_open(
    transactional_db, monkeypatch
):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite connection: it would lose the data")
    monkeypatch.setitem(
        connections.settings["default"], "CONN_MAX_AGE", dev.DATABASES["default"]["CONN_MAX_AGE"]
    )
    environ = RequestFactory().get("/search/", {"q": "数控"}).environ
    after = {}

    def serve():  # as runserver's request thread does
        response = WSGIHandler()(environ, lambda status, headers: None)
        after["status"] = response.status_code
        response.close()  # the server closes the response: request_finished
        after["connection open"] = connections["default"].connection is not None

    thread = threading.Thread(target=serve)
    thread.start()
    thread.join()

    assert after == {"status": 200, "connection open": False}
