"""Elasticsearch unreachable (a closed port on 127.0.0.1: nothing listens, connections are
refused) while a teacher searches and while an edition is published."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.search.models import CatalogueEntry, ElasticsearchBacklog
from tests.faults.conftest import closed_port_url
from tests.workflow.conftest import passed_case
from workflow.models import CaseState, ReviewCase


def publish_through_the_admin(client, world, capture):
    u = world["users"]
    case = passed_case(world["textbook"], u["author"], u["reviewer"], u["national"])
    client.force_login(u["national"])
    with capture(execute=True):  # the index tasks run once the publish commits
        response = client.post(reverse("workflow:publish", args=[case.pk]), follow=True)
    client.logout()
    return case, response


def test_teacher_searching_while_elasticsearch_is_down_gets_the_results_not_an_error(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""
    publish_through_the_admin(client, world, django_capture_on_commit_callbacks)
    settings.ELASTICSEARCH_URL = closed_port_url()

    response = client.get("/search/", {"q": "数控机床"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "共 1 种教材" in page
    assert world["textbook"].title in page


def test_publish_while_elasticsearch_is_down_publishes_and_queues_the_index_update(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = closed_port_url()

    case, response = publish_through_the_admin(client, world, django_capture_on_commit_callbacks)

    # The administrator is told it is published, because it is, whole.
    assert "已发布第 1.0 版。" in response.content.decode()
    assert ReviewCase.objects.get(pk=case.pk).state == CaseState.PUBLISHED
    textbook = world["textbook"]
    assert CatalogueEntry.objects.filter(textbook=textbook, edition_version="1.0").exists()
    # Elasticsearch missed the write: the textbook waits in the backlog, and until it is
    # written teachers are answered from the database index, where the new edition is.
    assert list(ElasticsearchBacklog.objects.values_list("textbook_id", flat=True)) == [textbook.pk]
    found = client.get("/search/", {"q": "数控机床"}).content.decode()
    assert textbook.title in found and "共 1 种教材" in found

    # The retry (cron) finds Elasticsearch still down: it says so and keeps the backlog.
    with pytest.raises(CommandError, match="still unreachable"):
        call_command("catalog_index", "retry", stdout=io.StringIO())
    assert ElasticsearchBacklog.objects.filter(textbook_id=textbook.pk).exists()
