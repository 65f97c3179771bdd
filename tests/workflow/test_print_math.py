"""Formulas for print: the common part of MathML as HTML, the rest refused (LaTeX printed)."""

import pytest

from workflow.print_math import UnsupportedFormula, formula_html


def test_fractions_scripts_and_roots_become_html():
    html = formula_html(r"v_c = \frac{\pi d n}{1000} + \sqrt{x^2}")
    assert '<span class="frac"><span><i>π</i><i>d</i><i>n</i></span>' in html
    assert '<span class="den">1000</span>' in html
    assert "<i>v</i><sub><i>c</i></sub>" in html
    assert '√<span class="radicand"><i>x</i><sup>2</sup></span>' in html
    assert '<span class="mo">=</span>' in html


def test_text_is_escaped():
    assert "&lt;script&gt;" in formula_html(r"\text{<script>} a < b")


@pytest.mark.parametrize("latex", [r"\sum_{i=1}^{n} a_i", r"\overline{x}", r"\farc{1}{2}"])
def test_what_print_does_not_lay_out_is_refused(latex):
    with pytest.raises(UnsupportedFormula):
        formula_html(latex)
