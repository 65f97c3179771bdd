"""The audit log reads in the reader's language: state labels, not codes."""

import pytest
from django.urls import reverse

from workflow.models import AuditLogEntry

from .conftest import published_edition, submitted_case

pytestmark = pytest.mark.django_db


def test_case_history_and_lifecycle_log_show_labels_not_codes(world, client):
    u = world["users"]
    published_edition(world["textbook"], u["author"], u["reviewer"], u["national"])
    case = world["textbook"].review_cases.get()
    client.force_login(u["national"])
    history = client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    history = history[history.index('id="case-history"') :]
    for label in ("草稿", "已送审", "审核中", "审核通过", "已发布"):
        assert label in history
    for code in ("draft", "submitted", "in_review", "approved", "published"):
        assert f">{code}<" not in history

    lifecycle = client.get(
        reverse("workflow:textbook_lifecycle", args=[world["textbook"].pk])
    ).content.decode()
    assert "→ 使用中" in lifecycle
    assert "planned →" not in lifecycle and "→ in_use" not in lifecycle


def test_an_audit_row_names_its_states_by_label(world):
    u = world["users"]
    case = submitted_case(world["textbook"], u["author"])
    entry = AuditLogEntry.objects.for_object(case).last()
    assert (entry.from_label, entry.to_label) == ("草稿", "已送审")
    assert str(entry) == "草稿 → 已送审"
