"""The database connection drops in the middle of a publish (PostgreSQL: the backend is
terminated from a second connection while the publish is under way)."""

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from wagtail.signals import page_published

from cms.search.models import CatalogueEntry
from tests.workflow.conftest import passed_case
from textbooks.models import TextbookPage, UnitPage
from workflow.models import AuditLogEntry, CaseState, Edition, EditionArchive, ReviewCase

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="terminates a PostgreSQL backend (pg_terminate_backend); runs in make test's "
    "PostgreSQL pass",
)


def terminate_backend_on_first(signal):
    """Connect to ``signal`` a receiver that, the first time it fires, terminates this
    process's database backend from a second connection, and waits until it is gone."""
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict

    def terminate(**kwargs):
        signal.disconnect(terminate)
        with psycopg.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname=db["NAME"],
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])

    signal.connect(terminate, weak=False)
    return terminate


def test_database_dropped_mid_publish_tells_the_administrator_and_writes_nothing(
    transactional_db, client, world, media_root
):
    u = world["users"]
    case = passed_case(world["textbook"], u["author"], u["reviewer"], u["national"])
    audit_before = AuditLogEntry.objects.count()
    client.force_login(u["national"])
    connection.ensure_connection()
    # The first page published inside the publishing transaction: the leaves are live in it,
    # the edition not yet written.
    terminate_backend_on_first(page_published)

    response = client.post(reverse("workflow:publish", args=[case.pk]), follow=True)

    connection.close()  # this test's connection went with the backend
    assert response.status_code == 200
    page = response.content.decode()
    assert "与数据库的连接中断" in page
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert not Edition.objects.exists()
    assert not EditionArchive.objects.exists()
    assert AuditLogEntry.objects.count() == audit_before
    assert not TextbookPage.objects.get(pk=world["textbook"].page.pk).live
    assert not UnitPage.objects.filter(live=True).exists()
    assert not media_root.exists() or not any(media_root.rglob("*"))  # no archive
    assert not CatalogueEntry.objects.exists()  # teachers find nothing of it

    # The administrator tries again, and the edition is published whole.
    response = client.post(reverse("workflow:publish", args=[case.pk]), follow=True)
    assert "已发布第 1.0 版。" in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.PUBLISHED
    assert UnitPage.objects.filter(live=True).count() == 2
    assert CatalogueEntry.objects.filter(textbook=world["textbook"]).exists()
