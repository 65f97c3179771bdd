"""How people are named to readers: one function for lists, messages, mails, logs and pages."""

import re

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def display_name(user):
    """The person's name, family name first: 张伟 for a Chinese name (no space), "John Smith"
    for a name in Latin letters (given name first, as its bearer writes it); the username
    when no name is recorded; "" for nobody."""
    if user is None:
        return ""
    family, given = user.last_name.strip(), user.first_name.strip()
    if not (family or given):
        return user.get_username()
    if CJK.search(family + given):
        return f"{family}{given}"
    return f"{given} {family}".strip()
