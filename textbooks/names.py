"""How a person is named wherever a name belongs: lists, pickers, messages, mails, logs.

A Chinese name is written family name first, without a space (张伟); other names given name
first (Anna Schmidt). Only a user without any name is shown by username.
"""

import re

from django.contrib.auth import get_user_model

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def display_name(user):
    """``user``'s name as people write it; "" for no user."""
    if user is None:
        return ""
    family, given = (user.last_name or "").strip(), (user.first_name or "").strip()
    if _CJK.search(family + given):
        return f"{family}{given}"
    return " ".join(part for part in (given, family) if part) or user.get_username()


def use_everywhere():
    """Make Django's and Wagtail's own screens (page history, locks, user lists, choosers),
    which call ``get_full_name()`` and ``str(user)``, name people the same way; and the
    admin's account menu, which greets by first name alone (伟 for 张伟)."""
    from wagtail.admin.ui.sidebar import MainMenuModule

    user_model = get_user_model()
    user_model.get_full_name = display_name
    user_model.__str__ = display_name
    wagtail_js_args = MainMenuModule.js_args

    def js_args(module):
        args = wagtail_js_args(module)
        args[2]["name"] = display_name(module.user)
        return args

    MainMenuModule.js_args = js_args
