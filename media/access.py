"""Who may manage a textbook's assets: its authors and editor-in-chief, administrators who
may edit any textbook, superusers. Who may read them is decided by the public site, which
knows editions and reviews (cms.site.media)."""


def can_manage_textbook(user, textbook):
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.has_perm("textbooks.edit_any_textbook"):
        return True
    return textbook is not None and textbook.is_written_by(user)
