"""The language of what is written down, as opposed to what is shown."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def in_record_language():
    """Text that is stored (audit reasons, retirement-proposal notes, edition archives) is
    written in the site's language, not in that of whoever happened to act: everyone reads
    these records later, and an edition archive is the edition as published."""
    return translation.override(settings.LANGUAGE_CODE)


def enumeration(items):
    """Items listed in one sentence: 使用跟踪报告、修订内容对照表 / usage report, change table.
    Templates join with the same message: ``|join:_("、")``."""
    return gettext("、").join(map(str, items))


def clauses(items):
    """Clauses of one sentence: 请填写审核意见；请选择审核结论 / Write …; choose …"""
    return gettext("；").join(map(str, items))
