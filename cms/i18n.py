"""The language of what is written down, as opposed to what is shown."""

from django.conf import settings
from django.utils import translation


def in_record_language():
    """Text that is stored (audit reasons, retirement-proposal notes, edition archives) is
    written in the site's language, not in that of whoever happened to act: everyone reads
    these records later, and an edition archive is the edition as published."""
    return translation.override(settings.LANGUAGE_CODE)
