"""Formulas: authors are told on the block when their LaTeX cannot be converted, and what
teachers get is MathML that no LaTeX can turn into markup."""

import html
import json
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from textbooks.blocks import FormulaBlock
from textbooks.formulas import FormulaError, to_mathml
from textbooks.models import UnitPage

UNCONVERTIBLE = r"\frac{v_0}{"
MATHML_TAGS = {"math", "mrow", "mi", "mo", "mn", "mtext"}
MESSAGE = "无法将这段 LaTeX 转换为公式，请检查括号是否成对、命令和上下标是否完整正确。"


def formula(latex):
    return FormulaBlock().to_python({"latex": latex, "number": "式 2-1", "explanation": ""})


@pytest.mark.parametrize("latex", [UNCONVERTIBLE, r"x_1_2", r"\left( x", r"\color", "x^"])
def test_unconvertible_latex_is_refused_with_the_message_on_the_latex_field(latex):
    with pytest.raises(StructBlockValidationError) as excinfo:
        FormulaBlock().clean(formula(latex))
    assert set(excinfo.value.block_errors) == {"latex"}
    assert excinfo.value.block_errors["latex"].messages == [MESSAGE]


def test_a_misspelt_command_is_refused_and_named():
    """latex2mathml would show \\farc to teachers as a name; the author is told which command
    it does not know, once even if used twice."""
    with pytest.raises(StructBlockValidationError) as excinfo:
        FormulaBlock().clean(formula(r"\farc{a}{b} + \alpha + \farc{1}{2} + \sqrtt{x}"))
    assert excinfo.value.block_errors["latex"].messages == [
        r"无法识别的 LaTeX 命令：\farc \sqrtt。请检查拼写，或改用常用命令。"
    ]
    with translation.override("en"):
        assert excinfo.value.block_errors["latex"].messages == [
            r"Unknown LaTeX command: \farc \sqrtt. Check the spelling, or use a common command."
        ]


@pytest.mark.parametrize("latex", [r"\text{\farc}", r"a \\ b", r"\operatorname{sgn} x", r"\%"])
def test_backslashes_that_are_not_unknown_commands_are_accepted(latex):
    """Text is shown as typed, and line breaks, operator names and escaped signs convert."""
    assert FormulaBlock().clean(formula(latex))["latex"] == latex


def test_an_author_using_english_reads_the_message_in_english():
    with pytest.raises(StructBlockValidationError) as excinfo:
        FormulaBlock().clean(formula(UNCONVERTIBLE))
    with translation.override("en"):  # the message is translated when the form shows it
        assert excinfo.value.block_errors["latex"].messages == [
            "This LaTeX cannot be converted to a formula: check that brackets are paired and "
            "that commands, subscripts and superscripts are complete and correct."
        ]


def test_convertible_latex_is_accepted_unchanged():
    latex = r"v_c = \frac{\pi d n}{1000}"
    assert FormulaBlock().clean(formula(latex))["latex"] == latex


def post_leaf(client, textbook, latex):
    """The author's "save draft" of a new leaf holding one formula, through the admin."""
    url = reverse("wagtailadmin_pages:add", args=("textbooks", "unitpage", textbook.page.pk))
    form = nested_form_data(
        {
            "title": "切削速度",
            "slug": "unit-1",
            "number": "",
            "summary": "",
            "body": streamfield(
                [("formula", {"latex": latex, "number": "式 2-1", "explanation": ""})]
            ),
            "comments": inline_formset([]),
        }
    )
    return client.post(url, form)


@pytest.mark.django_db
def test_author_saving_a_leaf_with_bad_latex_sees_the_error_and_keeps_what_they_typed(
    client, users, make_textbook
):
    textbook = make_textbook(users["author"])
    client.force_login(users["author"])

    response = post_leaf(client, textbook, UNCONVERTIBLE)

    assert response.status_code == 200  # the form again, not a redirect
    assert not UnitPage.objects.filter(slug="unit-1").exists()
    assert set(response.context["form"].errors) == {"body"}
    # What the admin's stream editor is started with: the typed values and the block's error.
    arguments = re.search(r'data-w-block-arguments-value="([^"]*)"', response.content.decode())
    (typed,), errors = json.loads(html.unescape(arguments[1]))
    assert typed["value"] == {"latex": UNCONVERTIBLE, "number": "式 2-1", "explanation": None}
    assert errors["blockErrors"]["0"]["blockErrors"]["latex"]["messages"] == [MESSAGE]


@pytest.mark.django_db
def test_author_saving_a_convertible_formula_gets_a_draft(client, users, make_textbook):
    textbook = make_textbook(users["author"])
    client.force_login(users["author"])

    assert post_leaf(client, textbook, r"v_c = \frac{\pi d n}{1000}").status_code == 302
    draft = UnitPage.objects.get(slug="unit-1").get_latest_revision_as_object()
    assert draft.body[0].value["latex"] == r"v_c = \frac{\pi d n}{1000}"


def test_teachers_get_display_mathml_with_the_latex_as_its_text_alternative():
    mathml = to_mathml(r"v_c = \frac{\pi d n}{1000}")
    assert mathml.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"')
    assert r'alttext="v_c = \frac{\pi d n}{1000}"' in mathml
    # Symbols come out as characters, not as escaped character references.
    assert "<mi>π</mi>" in mathml and "&amp;#x" not in mathml


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\text{<script>alert(1)</script>}", "<script>alert(1)</script>"),
        (r"\text{</math><img src=x onerror=alert(1)>}", "</math><img src=x onerror=alert(1)>"),
        (r"\mathrm{<b>}", "<b>"),
        (r"a<b>c", "a<b>c"),
        (r'\text{"><svg onload=alert(1)>}', '"><svg onload=alert(1)>'),
        (r"\text{&lt;script&gt;}", "<script>"),
    ],
)
def test_latex_is_shown_as_text_and_never_becomes_markup(latex, text):
    mathml = to_mathml(latex)
    # Every tag the HTML parser will see is one of the converter's MathML elements ...
    assert set(re.findall(r"</?([A-Za-z]+)", mathml)) <= MATHML_TAGS
    tree = ElementTree.fromstring(mathml)
    # ... the typed characters are the formula's text (spaces become no-break spaces) ...
    assert "".join(tree.itertext()).replace("\xa0", " ") == text
    # ... and the source is the whole alttext, escaped so it cannot close the attribute.
    assert tree.attrib == {"display": "block", "alttext": latex}


@pytest.mark.parametrize(
    "latex",
    [r"\href{javascript:alert(1)}{x}", r"\style{position:fixed;inset:0}{x}", r"\class{button}{x}"],
)
def test_a_formula_cannot_link_away_or_restyle_the_page(latex):
    mathml = to_mathml(latex)
    assert "<mi>x</mi>" in mathml
    for attribute in ("href=", "style=", "class="):
        assert attribute not in mathml


def test_unconvertible_latex_raises_formula_error():
    with pytest.raises(FormulaError):
        to_mathml(UNCONVERTIBLE)
