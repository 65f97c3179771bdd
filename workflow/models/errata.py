"""Errata (勘误): errors teachers report against a leaf of an edition, and their triage.

A report moves new → triaged → accepted / declined / duplicate. An accepted erratum waits in
the textbook's queue until a revision that listed it is published; ``fixed_in`` then names
that edition, and the public leaf shows the correction to readers of earlier editions.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class ErratumState(models.TextChoices):
    NEW = "new", _("新报告")
    TRIAGED = "triaged", _("已受理")
    ACCEPTED = "accepted", _("已采纳")
    DECLINED = "declined", _("不予采纳")
    DUPLICATE = "duplicate", _("重复报告")


class ErratumQuerySet(models.QuerySet):
    def open_for(self, textbook):
        """Accepted and not yet fixed: the queue of the textbook's next revision."""
        return self.filter(textbook=textbook, state=ErratumState.ACCEPTED, fixed_in__isnull=True)


class Erratum(ConcurrentTransitionMixin, models.Model):
    """One report. Transitions are called only from workflow.services.errata; each takes
    ``by`` and ``reason`` for the audit log."""

    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.PROTECT,
        related_name="errata",
    )
    edition = models.ForeignKey(
        "workflow.Edition",
        verbose_name=_("报告所依据的版次"),
        on_delete=models.PROTECT,
        related_name="errata",
    )
    leaf = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("活页"), on_delete=models.PROTECT, related_name="+"
    )
    quoted_text = models.TextField(_("有误的原文"))
    correction = models.TextField(_("更正建议"))
    reporter_name = models.CharField(_("报告人姓名"), max_length=50, blank=True)
    reporter_contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    # A keyed hash of the address (never the address itself), for the rate limit and triage.
    reporter_ip_hash = models.CharField(_("来源地址摘要"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("采纳时间"), null=True, blank=True)
    state = FSMField(
        _("状态"), default=ErratumState.NEW, choices=ErratumState.choices, protected=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    fixed_in = models.ForeignKey(
        "workflow.Edition",
        verbose_name=_("更正于版次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fixed_errata",
    )

    objects = ErratumQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("勘误")
        verbose_name_plural = _("勘误")
        indexes = [models.Index(fields=["textbook", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_in__isnull=True) | Q(state=ErratumState.ACCEPTED),
                name="only_accepted_errata_are_fixed",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(state=ErratumState.DUPLICATE),
                name="only_duplicates_point_to_an_original",
            ),
        ]

    def __str__(self):
        return f"{self.textbook} · {self.quoted_text[:20]}"

    # Transitions. Bodies are empty on purpose: workflow.services.errata does the work.
    @transition(state, source=ErratumState.NEW, target=ErratumState.TRIAGED)
    def triage(self, *, by, reason=""):
        pass

    @transition(state, source=ErratumState.TRIAGED, target=ErratumState.ACCEPTED)
    def accept(self, *, by, reason=""):
        pass

    @transition(state, source=ErratumState.TRIAGED, target=ErratumState.DECLINED)
    def decline(self, *, by, reason=""):
        pass

    @transition(state, source=ErratumState.TRIAGED, target=ErratumState.DUPLICATE)
    def mark_duplicate(self, *, by, reason=""):
        pass
