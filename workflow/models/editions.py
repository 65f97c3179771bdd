"""Editions: the published, numbered states of a textbook, with their manifest of leaves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workflow.models.leaves import LeafAtRevision


class EditionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_current=True)

    def get_by_version(self, version):
        """``version`` is "major.minor"; raises Edition.DoesNotExist for anything else."""
        major, dot, minor = str(version).partition(".")
        if not (dot and major.isdigit() and minor.isdigit()):
            raise self.model.DoesNotExist(version)
        return self.get(major=int(major), minor=int(minor))


class Edition(models.Model):
    """A published edition (版次) of a textbook: version major.minor, a manifest of
    (leaf, revision) pairs, and a link to the edition that superseded it."""

    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.PROTECT,
        related_name="editions",
    )
    review_case = models.OneToOneField(
        "workflow.ReviewCase",
        verbose_name=_("审核案"),
        on_delete=models.PROTECT,
        related_name="edition",
    )
    major = models.PositiveSmallIntegerField(_("主版本号"))
    minor = models.PositiveSmallIntegerField(_("次版本号"))
    textbook_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("教材页面修订版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_current = models.BooleanField(_("现行版"), default=True)
    superseded_at = models.DateTimeField(_("被替代时间"), null=True, blank=True)
    successor = models.OneToOneField(
        "self",
        verbose_name=_("后继版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessor",
    )
    change_summary = models.TextField(_("修订说明"), blank=True)
    change_categories = models.JSONField(_("修订类别"), default=list, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["textbook", "-major", "-minor"]
        verbose_name = _("版次")
        verbose_name_plural = _("版次")
        constraints = [
            models.UniqueConstraint(
                fields=["textbook"],
                condition=Q(is_current=True),
                name="one_current_edition_per_textbook",
                violation_error_message=_("每种教材只能有一个现行版。"),
            ),
            models.UniqueConstraint(
                fields=["textbook", "major", "minor"], name="edition_version_unique"
            ),
        ]

    def __str__(self):
        return gettext("%(textbook)s 第 %(version)s 版") % {
            "textbook": self.textbook,
            "version": self.version,
        }

    @property
    def version(self):
        return f"{self.major}.{self.minor}"


class EditionLeaf(LeafAtRevision):
    """One row of an edition's manifest: this leaf, at this revision, in this position."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="leaves")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "page"], name="one_row_per_leaf_per_edition")
        ]
        verbose_name = _("版次活页")
        verbose_name_plural = _("版次活页")

    def __str__(self):
        return f"{self.edition} · {self.page.title}"
