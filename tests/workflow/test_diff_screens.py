"""The author's submit screen and the reviewer's screen show what changed inside each leaf,
with the comparison teachers later read between the editions."""

import pytest

from tests.workflow.conftest import due, edit_leaf, submitted_case
from textbooks.models import UnitPage
from workflow import services
from workflow.models import CaseKind

pytestmark = pytest.mark.django_db


def test_the_submit_screen_shows_the_words_changed_in_a_leaf(client, published):
    u, textbook = published["users"], published["textbook"]
    edit_leaf(published["leaves"][0], "第二版内容一", u["author"])
    client.force_login(u["author"])

    body = client.get(f"/admin/reviews/textbooks/{textbook.pk}/submit/").content.decode()

    assert "<strong>正文</strong>：" in body
    assert "<del>第一版</del><ins>第二版</ins>内容一" in body


def test_a_leaf_saved_again_unchanged_is_said_to_be_the_same(client, published):
    u, textbook = published["users"], published["textbook"]
    leaf = UnitPage.objects.get(pk=published["leaves"][0].pk)
    leaf.get_latest_revision_as_object().save_revision(user=u["author"])
    client.force_login(u["author"])

    body = client.get(f"/admin/reviews/textbooks/{textbook.pk}/submit/").content.decode()

    assert "标题、单元编号、学习目标和正文与现行版相同。" in body
    assert "field-changes" not in body


def test_the_review_screen_shows_the_changes_above_both_versions(client, published):
    u, textbook = published["users"], published["textbook"]
    edit_leaf(published["leaves"][1], "第二版内容二", u["author"])
    case = submitted_case(textbook, u["author"], kind=CaseKind.MINOR)
    assignment = services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    client.force_login(u["reviewer"])

    body = client.get(f"/admin/reviews/assignments/{assignment.pk}/").content.decode()

    changes = body[body.index('<ul class="field-changes">') : body.index('class="before')]
    assert "<del>第一版</del><ins>第二版</ins>内容二" in changes
    assert "第一版内容二" in body and "第二版内容二" in body  # the two versions, rendered
