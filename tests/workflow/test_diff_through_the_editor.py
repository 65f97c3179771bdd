"""Issue 13: one sentence edited in the page editor is the one change every screen shows.

The demo stores list items without ids and the editor's first save gives them new ones; the
comparison used to show the leaf's whole work task as deleted and re-added. Here a demo leaf is
saved through Wagtail's real edit view, with the form data its StreamField widget posts, then
submitted, reviewed and published as a new edition.
"""

import json
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.test.utils.form_data import querydict_from_html

from tests.workflow.conftest import SCORES, documents, due
from textbooks.blocks import LeafStreamBlock
from textbooks.models import Textbook, UnitPage
from workflow import services
from workflow.models import CaseKind, Edition, ReviewCase
from workflow.services.diff import compare_leaf
from workflow.services.rules import recusal_reason, reviewer_qualification_error

pytestmark = pytest.mark.django_db

OLD_SENTENCE = "G71 外圆粗车复合循环只需给出精加工轮廓，系统自动计算粗加工走刀路线。"
NEW_SENTENCE = "G71 外圆粗车复合循环只需给出精加工轮廓，系统自动生成粗加工走刀路线。"


def widget_post(block, state, prefix):
    """The fields the editor's StreamField widget posts for a block in ``state`` (the form
    state the edit view hands it, ids included)."""
    if isinstance(block, blocks.BaseStreamBlock | blocks.ListBlock):
        fields = {f"{prefix}-count": str(len(state))}
        for n, child in enumerate(state):
            fields |= {
                f"{prefix}-{n}-deleted": "",
                f"{prefix}-{n}-order": str(n),
                f"{prefix}-{n}-id": child["id"] or "",
            }
            if isinstance(block, blocks.ListBlock):
                child_block = block.child_block
            else:
                child_block = block.child_blocks[child["type"]]
                fields[f"{prefix}-{n}-type"] = child["type"]
            fields |= widget_post(child_block, child["value"], f"{prefix}-{n}-value")
        return fields
    if isinstance(block, blocks.BaseStructBlock):
        fields = {}
        for name, child in block.child_blocks.items():
            fields |= widget_post(child, state[name], f"{prefix}-{name}")
        return fields
    if isinstance(block, blocks.BooleanBlock):
        return {prefix: "on"} if state else {}
    if isinstance(block, blocks.ChooserBlock):
        return {prefix: str(state["id"]) if state else ""}
    if isinstance(block, TableBlock):
        return {prefix: json.dumps(state)}
    if isinstance(state, list):  # a select
        return {prefix: state[0] if state else ""}
    return {prefix: "" if state is None else str(state)}


def edit_in_the_page_editor(client, leaf, old, new):
    """Open the leaf in the editor, replace ``old`` with ``new`` in its first paragraph, save."""
    url = f"/admin/pages/{leaf.pk}/edit/"
    html = client.get(url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    arguments = re.search(r'data-w-block-arguments-value="([^"]*)"', html).group(1)
    body, _errors = json.loads(unescape(arguments))
    paragraph = json.loads(body[0]["value"])  # Draftail's content state
    assert paragraph["blocks"][0]["text"] == old
    paragraph["blocks"][0]["text"] = new
    body[0]["value"] = json.dumps(paragraph)
    for name, value in widget_post(LeafStreamBlock(), body, "body").items():
        data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def review_and_publish(textbook):
    """A minor revision through the real workflow, reviewed by qualified demo experts."""
    User = get_user_model()
    chief, national = textbook.editor_in_chief, User.objects.get(username="national")
    case = services.open_case(textbook, user=chief, kind=CaseKind.MINOR)
    case = services.submit(
        case,
        user=chief,
        change_summary="修改一句话",
        change_categories=["new_technology"],
        **documents(),
    )
    assignments = []
    for track in case.tracks.all():
        experts = [
            user
            for user in User.objects.filter(is_superuser=False).order_by("pk")
            if reviewer_qualification_error(user, track.kind) is None
            and recusal_reason(user, textbook, case) is None
        ][: track.required_reviewers]
        for expert in experts:
            assignments.append(
                services.assign_reviewer(
                    ReviewCase.objects.get(pk=case.pk),
                    user=national,
                    reviewer=expert,
                    track_kind=track.kind,
                    due_date=due(),
                )
            )
    for assignment in assignments:
        services.record_opinion(
            assignment, user=assignment.reviewer, scores=SCORES, comment="同意", outcome="pass"
        )
    case = services.decide(ReviewCase.objects.get(pk=case.pk), user=national)
    return assignments[0], services.publish(case, user=national)


def changes_in(html):
    """The change list items of a page: one <li> per reported change."""
    return re.findall(r'<li class="change-(\w+)">(.*?)</li>', html, re.S)


def test_one_sentence_edited_in_the_page_editor_is_the_only_change_shown(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    textbook = Textbook.objects.get(slug="cnc-programming")
    leaf = UnitPage.objects.child_of(textbook.page).get(slug="unit-2-g71")
    pinned = Edition.objects.current().get(textbook=textbook).leaves.get(page=leaf).revision
    client.force_login(textbook.editor_in_chief)

    edit_in_the_page_editor(client, leaf, OLD_SENTENCE, NEW_SENTENCE)

    saved = UnitPage.objects.get(pk=leaf.pk).latest_revision
    old_steps = json.loads(pinned.content["body"])[3]["value"]["steps"]
    new_steps = json.loads(saved.content["body"])[3]["value"]["steps"]
    # The situation of the issue: the demo's steps had no ids, the editor gave them some.
    assert "id" not in old_steps[0] and new_steps[0]["id"]

    # The comparison of the two revisions: that sentence, that word.
    [change] = compare_leaf(pinned, saved)
    assert (change.kind, change.label) == ("changed", "正文")
    assert [s for s in change.segments if s[0] != "equal"] == [
        ("delete", "计算"),
        ("insert", "生成"),
    ]
    marked = "系统自动<del>计算</del><ins>生成</ins>粗加工走刀路线。"

    # The author's submit screen lists the same one change.
    body = client.get(f"/admin/reviews/textbooks/{textbook.pk}/submit/").content.decode()
    assert [kind for kind, _text in changes_in(body)] == ["changed"]
    assert marked in body

    assignment, edition = review_and_publish(textbook)
    assert edition.version == "1.2"

    # The reviewer's screen shows it above the two versions.
    client.force_login(assignment.reviewer)
    body = client.get(f"/admin/reviews/assignments/{assignment.pk}/").content.decode()
    assert [kind for kind, _text in changes_in(body)] == ["changed"]
    assert marked in body

    # Teachers' comparison of the two editions: one leaf, one change, nothing deleted or added.
    client.logout()
    body = client.get("/textbooks/cnc-programming/editions/1.1/compare/1.2/").content.decode()
    assert body.count('<article class="leaf-diff') == 1
    [(kind, text)] = changes_in(body)
    assert kind == "changed" and marked in text
    assert "工作任务" not in body
