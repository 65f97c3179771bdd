"""Formulas for print. WeasyPrint does not lay out MathML, so the part of it that the formulas
of vocational textbooks use — letters, numbers, operators, text, sub- and superscripts,
fractions, square roots — is turned into HTML that the print stylesheet sets (the `math`
classes in workflow/print/print.css). A formula using anything else (matrices, accents,
limits under a sum…) raises UnsupportedFormula, and the caller prints its LaTeX instead: a
reader can still read the source, never a formula laid out wrong.
"""

from xml.etree.ElementTree import fromstring

from django.utils.html import escape
from django.utils.safestring import mark_safe

from textbooks.formulas import to_mathml

# Operators set with a little space on each side (a = b + c), unlike brackets and commas.
SPACED_OPERATORS = set("=+−-×÷·<>≤≥≈≠±∓→⇒∝∈")


class UnsupportedFormula(ValueError):
    """The formula uses MathML that print does not lay out (or its LaTeX cannot be read)."""


def _tag(element):
    return element.tag.rpartition("}")[2]


def _children(element):
    return "".join(_html(child) for child in element)


def _script(base, script, kind):
    return f"{_html(base)}<{kind}>{_html(script)}</{kind}>"


def _identifier(element):
    text = escape(element.text or "")
    # A one-letter variable is italic (v, d, π); names (sin, Δ as set upright) are not.
    if len(element.text or "") == 1 and element.get("mathvariant") != "normal":
        letter = element.text
        if letter.isalpha() and not ("Α" <= letter <= "Ω"):
            return f"<i>{text}</i>"
    return text


def _html(element):
    tag = _tag(element)
    if tag in ("math", "mrow", "mstyle"):
        return _children(element)
    if tag == "mi":
        return _identifier(element)
    if tag in ("mn", "mtext"):
        return escape(element.text or "")
    if tag == "mo":
        text = escape(element.text or "")
        return f'<span class="mo">{text}</span>' if element.text in SPACED_OPERATORS else text
    if tag == "mspace":
        return "<br>" if element.get("linebreak") == "newline" else " "
    if tag in ("msub", "msup") and len(element) == 2:
        return _script(element[0], element[1], "sub" if tag == "msub" else "sup")
    if tag == "msubsup" and len(element) == 3:
        base, sub, sup = element
        return (
            f'{_html(base)}<span class="subsup"><span>{_html(sup)}</span>'
            f"<span>{_html(sub)}</span></span>"
        )
    if tag == "mfrac" and len(element) == 2:
        numerator, denominator = element
        return (
            f'<span class="frac"><span>{_html(numerator)}</span>'
            f'<span class="den">{_html(denominator)}</span></span>'
        )
    if tag == "msqrt":
        return f'√<span class="radicand">{_children(element)}</span>'
    raise UnsupportedFormula(tag)


def formula_html(latex):
    """``latex`` as print HTML (safe), or UnsupportedFormula."""
    try:
        mathml = to_mathml(latex)
    except ValueError as error:  # FormulaError: kept from before formulas were checked
        raise UnsupportedFormula(latex) from error
    return mark_safe(f'<span class="math">{_html(fromstring(mathml))}</span>')
