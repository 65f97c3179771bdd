"""Faults from outside the application — a database connection dropped, the S3 endpoint
stopped, Elasticsearch unreachable — caused for real at a chosen moment, not faked."""

import socket

import pytest

from tests.media.conftest import s3  # noqa: F401 (fixtures these tests share)
from tests.workflow.conftest import world  # noqa: F401


def closed_port_url():
    """An http URL on 127.0.0.1 where nothing listens (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT
