from django import template

from textbooks.names import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user):
    """``{{ user|display_name }}``: textbooks.names.display_name."""
    return _display_name(user)
