"""The record of each edition's immutable archive (written by workflow.archives)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionArchive(models.Model):
    """The record of an immutable archive written to storage for one published edition.

    The storage objects are the truth (``COMPLETE`` is written last and carries the overall
    checksum); this row makes archives findable, and stays incomplete if a write failed.
    """

    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.PROTECT,
        related_name="edition_archives",
    )
    version = models.CharField(_("版次"), max_length=20)
    prefix = models.CharField(_("存储前缀"), max_length=255, unique=True)
    manifest = models.JSONField(_("清单"), default=dict)
    checksum = models.CharField(_("总校验和"), max_length=64, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        # Kept from when archives lived in the media app (workflow migration 0004).
        db_table = "media_editionarchive"
        verbose_name = _("版次归档")
        verbose_name_plural = _("版次归档")
        constraints = [
            models.UniqueConstraint(
                fields=["textbook", "version"], name="edition_archive_unique_version"
            )
        ]

    def __str__(self):
        return f"{self.textbook} {self.version}"

    @property
    def is_complete(self):
        return self.completed_at is not None
