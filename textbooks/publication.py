"""Only the review workflow publishes textbook pages and their leaves.

Readers are shown an edition, and an edition is what a review approved. Wagtail's own
publishing would put unreviewed content live or take reviewed content down: the page editor's
publish, unpublish and schedule, bulk actions, revert-and-publish, copy, ``publish_scheduled``
and the admin API. The permission tester (textbooks.models.pages) offers none of them to
anyone, superusers included; the rule underneath holds for every code path: the published
state of a TextbookPage or UnitPage (``live``, ``live_revision``) changes only inside
``reviewed_publication()``, which the workflow's publish alone enters.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from textbooks.models import TextbookPage, UnitPage

REVIEWED_PAGES = (TextbookPage, UnitPage)
PUBLISHED_STATE = {"live", "live_revision", "live_revision_id"}
CLOSED_MESSAGE = _("教材页面和活页只能经审核发布：请在“审核与版次”中送审，由管理员发布新版次。")

_publishing = ContextVar("reviewed_publication", default=False)


class PublicationClosed(PermissionDenied):
    """A textbook page or leaf was to be published or unpublished outside the workflow."""


@contextmanager
def reviewed_publication():
    """Let the enclosed code publish and unpublish textbook pages (the workflow's publish)."""
    token = _publishing.set(True)
    try:
        yield
    finally:
        _publishing.reset(token)


def is_reviewed_page(page):
    return issubclass(page.specific_class or Page, REVIEWED_PAGES)


def refuse_unreviewed_publication(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save: refuse a change of a saved textbook page's published state.

    A new page is nothing to readers until an edition lists it, so creation is not checked;
    nor is loading a fixture or a serialized database (``raw``), which restores rows as they
    were.
    """
    if raw or _publishing.get() or instance.pk is None or not is_reviewed_page(instance):
        return
    if update_fields is not None and not PUBLISHED_STATE & set(update_fields):
        return
    stored = Page.objects.filter(pk=instance.pk).values_list("live", "live_revision_id").first()
    if stored is not None and stored != (instance.live, instance.live_revision_id):
        raise PublicationClosed(CLOSED_MESSAGE)


def connect():
    # Wagtail saves specific pages (the page editor, publishing) and plain Page instances
    # (publish_scheduled's expiry, PageQuerySet.unpublish): pre_save names the class saved.
    for sender in (Page, *REVIEWED_PAGES):
        pre_save.connect(refuse_unreviewed_publication, sender=sender, dispatch_uid="reviewed")
