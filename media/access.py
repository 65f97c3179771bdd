"""Who may read or manage which assets.

Published content is public: an asset a published leaf shows may be read by anyone. An
asset only drafts use may be read by those who manage its textbook: its authors and
editor-in-chief, administrators who may edit any textbook, and superusers.
"""

from media.references import is_published


def can_manage_textbook(user, textbook):
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.has_perm("textbooks.edit_any_textbook"):
        return True
    return textbook is not None and textbook.is_written_by(user)


def can_read_asset(user, asset):
    return can_manage_textbook(user, asset.textbook) or is_published(asset)
