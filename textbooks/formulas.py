"""LaTeX formulas as MathML, which browsers display natively: no script, no web fonts."""

import re
from html import unescape
from xml.etree.ElementTree import tostring

from django.utils.safestring import mark_safe
from latex2mathml.converter import convert_to_element

# Attributes latex2mathml copies verbatim from the LaTeX (\href, \style, \class): a formula
# must not link away, restyle the page around it or borrow the site's CSS classes.
PASSED_THROUGH = ("href", "style", "class")


# latex2mathml passes a command it does not know through as an identifier (\farc for a
# mistyped \frac): the reader would see the command's name instead of the formula.
UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")


class FormulaError(ValueError):
    """The LaTeX cannot be converted to MathML."""


class UnknownCommandError(FormulaError):
    """The LaTeX uses commands that are misspelt or not supported: ``commands``."""

    def __init__(self, latex, commands):
        super().__init__(latex)
        self.commands = commands


def to_mathml(latex):
    """``latex`` as a display-style ``<math>`` element (safe HTML), its source as ``alttext``.

    latex2mathml's own ``convert()`` un-escapes the whole serialised tree to turn its symbol
    references (``&#x0394;``) back into characters, which also turns ``\\text{<script>}`` back
    into markup. Here only the element texts are decoded and ElementTree escapes everything
    on output.
    """
    try:
        math = convert_to_element(latex, display="block")
    except Exception as error:
        # Besides its own exception classes the parser lets StopIteration and others escape
        # on malformed input (e.g. "\color" without arguments): any failure means "cannot".
        raise FormulaError(latex) from error
    unknown = []
    for element in math.iter():
        if element.text:
            element.text = unescape(element.text)
            if element.tag in ("mi", "mo") and UNKNOWN_COMMAND.fullmatch(element.text):
                unknown.append(element.text)
        for name in PASSED_THROUGH:
            element.attrib.pop(name, None)
    if unknown:
        raise UnknownCommandError(latex, list(dict.fromkeys(unknown)))
    math.set("alttext", latex)
    return mark_safe(tostring(math, encoding="unicode"))
