from django import template

from workflow.services import current_edition as _current_edition

register = template.Library()


@register.simple_tag
def current_edition(textbook):
    """{% current_edition textbook as edition %}: the textbook's current Edition or None."""
    return _current_edition(textbook)
