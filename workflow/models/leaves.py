from django.db import models
from django.utils.translation import gettext_lazy as _


class LeafAtRevision(models.Model):
    """A leaf, at one exact Wagtail revision, in a position: the unit of a change set under
    review (PinnedRevision) and of a published edition's manifest (EditionLeaf)."""

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("活页"), on_delete=models.PROTECT, related_name="+"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("修订版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveIntegerField(_("位置"))

    class Meta:
        abstract = True
