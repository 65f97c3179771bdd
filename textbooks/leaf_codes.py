"""Leaf codes: the short name ("2-3") a leaf keeps for life, printed on every page of it.

A loose-leaf binder is kept up to date by taking out and putting in leaves, so each leaf
needs a name that stays the same across editions, renumbering and reordering. It is taken
from the leaf's number when the leaf is created (项目 2 任务 3 → 2-3), so that it reads like
the book's own numbering, and is never changed afterwards. A number without digits, or one
whose code another leaf of the textbook already has, gets the next free whole number.
"""

import re

DIGITS = re.compile(r"\d+")


def new_code(number, taken):
    """The code for a new leaf numbered ``number``, unique among the codes in ``taken``."""
    code = "-".join(str(int(digits)) for digits in DIGITS.findall(number or ""))
    if code and code not in taken:
        return code
    serial = len(taken) + 1
    while str(serial) in taken:
        serial += 1
    return str(serial)
