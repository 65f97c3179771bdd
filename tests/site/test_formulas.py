"""Teachers read formulas as mathematics (MathML), on the current and on old editions."""

import logging

import pytest

from textbooks.models import UnitPage
from workflow.models import CaseKind

CUTTING_SPEED = r"v_c = \frac{\pi d n}{1000}"
FEED_RATE = r"v_f = f \cdot n"


def formula_leaf(textbook, latex, user):
    """A draft leaf with one formula, saved as a revision the way the admin saves it."""
    body = [{"type": "formula", "value": {"latex": latex, "number": "式 2-1", "explanation": ""}}]
    leaf = UnitPage(title="切削用量", slug="cutting", live=False, owner=user, body=body)
    textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=user)
    return leaf


def set_formula(leaf, latex, user):
    draft = UnitPage.objects.get(pk=leaf.pk).get_latest_revision_as_object()
    draft.body = [{"type": "formula", "value": {"latex": latex, "number": "式 2-1"}}]
    draft.save_revision(user=user)


def leaf_body(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<article class="leaf-body">') : html.index("</article>")]


@pytest.fixture
def turning(users, make_textbook):
    return make_textbook(users["author"], tier="school", title="车削加工", slug="turning")


def test_teacher_sees_the_published_formula_as_mathml_with_its_latex_for_screen_readers(
    client, users, turning, publish
):
    formula_leaf(turning, CUTTING_SPEED, users["author"])
    publish(turning)

    body = leaf_body(client, "/textbooks/turning/cutting/")

    assert (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block" '
        r'alttext="v_c = \frac{\pi d n}{1000}">'
    ) in body
    assert "<mfrac>" in body and "<mi>π</mi>" in body
    assert '<span class="meta">(式 2-1)</span>' in body
    assert "<code>" not in body  # the source is not shown beside it


def test_an_old_edition_shows_its_own_formula_as_mathml(client, users, turning, publish):
    leaf = formula_leaf(turning, CUTTING_SPEED, users["author"])
    publish(turning)
    set_formula(leaf, FEED_RATE, users["author"])
    publish(turning, CaseKind.MINOR, change_categories=["new_method"])

    old = leaf_body(client, "/textbooks/turning/editions/1.0/cutting/")
    current = leaf_body(client, "/textbooks/turning/cutting/")

    assert r'alttext="v_c = \frac{\pi d n}{1000}"' in old and "<mfrac>" in old
    assert r'alttext="v_f = f \cdot n"' in current and "<mfrac>" not in current


def test_latex_that_looks_like_markup_reaches_teachers_as_text(client, users, turning, publish):
    formula_leaf(turning, r"\text{<script>alert(1)</script>} < x", users["author"])
    publish(turning)

    body = leaf_body(client, "/textbooks/turning/cutting/")

    assert "<script" not in body
    assert "<mtext>&lt;script&gt;alert(1)&lt;/script&gt;</mtext>" in body


def test_a_stored_formula_that_cannot_be_converted_is_shown_as_its_latex_source(
    client, users, turning, publish, caplog
):
    """Content saved before formulas were checked: teachers read the source, not an error."""
    formula_leaf(turning, r"\frac{v_0}{", users["author"])
    publish(turning)

    with caplog.at_level(logging.WARNING, logger="textbooks.blocks"):
        body = leaf_body(client, "/textbooks/turning/cutting/")

    assert "<math" not in body
    assert r"<code>\frac{v_0}{</code>" in body
    assert '<span class="meta">(式 2-1)</span>' in body
    assert r"\\frac{v_0}{" in caplog.text  # operators learn which formula to fix
