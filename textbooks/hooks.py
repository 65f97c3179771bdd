"""What the catalogue learns from the layers above it, which it may not import (the same
mechanism as media/hooks.py): they register functions under these Wagtail hook names."""

#: fn(user, textbook) -> iterable of (label, url, icon name): screens of higher layers that
#: ``user`` may open for ``textbook``, offered in the row of the 教材 listing (its lifecycle,
#: submitting a revision).
TEXTBOOK_LINKS = "textbook_listing_links"
