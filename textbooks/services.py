"""Catalogue operations for code outside the admin (imports, demo data, other apps)."""

from textbooks.actions import CreateTextbookAction


def create_textbook(textbook, *, user=None, **m2m):
    """Validate and create ``textbook`` and its TextbookPage; m2m fields are given by name.

    Raises django.core.exceptions.ValidationError naming the field and the reason.
    """
    return CreateTextbookAction(textbook, user=user, m2m=m2m, clean=True).execute(
        skip_permission_checks=True
    )
