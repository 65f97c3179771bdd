"""Who may manage a textbook's assets: its authors and editor-in-chief, and administrators
who may edit any textbook, within their scope (textbooks.scope). Who may read them is
decided by the public site, which knows editions and reviews (cms.site.media)."""

from django.db.models import Q

from textbooks import scope
from textbooks.models import Textbook


def _edits_any_textbook(user):
    return user.has_perm("textbooks.edit_any_textbook")


def can_manage_textbook(user, textbook):
    if not (user.is_authenticated and user.is_active):
        return False
    if textbook is not None and textbook.is_written_by(user):
        return True
    if not _edits_any_textbook(user):
        return False
    if textbook is None:  # like a textbook without a province: the national administrators'
        return scope.administered_provinces(user) is scope.EVERY_PROVINCE
    return scope.administers(user, textbook)


def managed_textbooks(user):
    """The textbooks whose assets ``user`` manages: the queryset form of the above."""
    if not (user.is_authenticated and user.is_active):
        return Textbook.objects.none()
    written = Q(pk__in=Textbook.objects.authored_by(user).values("pk"))
    if _edits_any_textbook(user):
        return Textbook.objects.filter(scope.administered_q(user) | written)
    return Textbook.objects.filter(written)


def managed_assets(user):
    """Q on MediaAsset for the assets ``user`` manages."""
    managed = Q(textbook__in=managed_textbooks(user))
    if can_manage_textbook(user, None):
        managed |= Q(textbook__isnull=True)
    return managed
