"""The lifecycle of a textbook in the catalogue, driven by its editions and the calendar.

One row per textbook (the catalogue model stays free of workflow). The due dates are stored,
derived from the editions when one is published, so that the daily sweep is a handful of
set-based statements whatever the size of the catalogue.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class LifecycleState(models.TextChoices):
    PLANNED = "planned", _("已规划")
    IN_DEVELOPMENT = "in_development", _("编写中")
    IN_USE = "in_use", _("使用中")
    REVISION_DUE = "revision_due", _("待修订")
    REVISION_OVERDUE = "revision_overdue", _("逾期未修订")
    SUSPENDED = "suspended", _("暂停使用")
    RETIRED = "retired", _("已退出")


S = LifecycleState
# States in which the calendar counts: a textbook teachers use.
IN_SERVICE = [S.IN_USE, S.REVISION_DUE, S.REVISION_OVERDUE, S.SUSPENDED]
# Textbooks in use (在用教材), which sampling checks must cover: in service and not suspended.
IN_USE = [S.IN_USE, S.REVISION_DUE, S.REVISION_OVERDUE]


class TextbookLifecycle(ConcurrentTransitionMixin, models.Model):
    textbook = models.OneToOneField(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.CASCADE,
        related_name="lifecycle",
    )
    state = FSMField(_("状态"), default=S.PLANNED, choices=S.choices, protected=True)
    last_revision_on = models.DateField(_("最近一次发布修订"), null=True, blank=True)
    last_major_on = models.DateField(_("最近一次大修订（或首版）"), null=True, blank=True)
    minor_due_on = models.DateField(_("年度小修订截止"), null=True, blank=True)
    major_due_on = models.DateField(_("三年大修订截止"), null=True, blank=True)
    # The earlier of the two: what the sweep compares against the calendar.
    next_due_on = models.DateField(_("下一截止日期"), null=True, blank=True, db_index=True)
    retirement_due_on = models.DateField(_("无修订满三年日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("替代教材"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("教材生命周期")
        verbose_name_plural = _("教材生命周期")
        indexes = [models.Index(fields=["state", "next_due_on"])]

    def __str__(self):
        return f"{self.textbook} · {self.get_state_display()}"

    # Every transition takes ``by`` and ``reason`` for the audit log.
    @transition(field=state, source=S.PLANNED, target=S.IN_DEVELOPMENT)
    def start_development(self, *, by=None, reason=""):
        pass

    @transition(field=state, source=S.IN_DEVELOPMENT, target=S.IN_USE)
    def enter_use(self, *, by=None, reason=""):
        pass

    @transition(field=state, source=S.IN_USE, target=S.REVISION_DUE)
    def give_notice(self, *, by=None, reason=""):
        pass

    @transition(field=state, source=[S.IN_USE, S.REVISION_DUE], target=S.REVISION_OVERDUE)
    def mark_overdue(self, *, by=None, reason=""):
        pass

    @transition(
        field=state, source=[S.IN_USE, S.REVISION_DUE, S.REVISION_OVERDUE], target=S.SUSPENDED
    )
    def suspend(self, *, by=None, reason=""):
        pass

    @transition(
        field=state, source=[S.REVISION_DUE, S.REVISION_OVERDUE, S.SUSPENDED], target=S.IN_USE
    )
    def restore(self, *, by=None, reason=""):
        pass

    @transition(field=state, source=[*IN_SERVICE, S.PLANNED, S.IN_DEVELOPMENT], target=S.RETIRED)
    def retire(self, *, by=None, reason=""):
        pass


class RetirementState(models.TextChoices):
    PROPOSED = "proposed", _("待决定")
    RETIRED = "retired", _("已退出")
    DISMISSED = "dismissed", _("不予退出")


class RetirementProposal(ConcurrentTransitionMixin, models.Model):
    """A retirement case (退出): one proposal, with its reason, for an administrator in the
    textbook's scope to decide — retire it (optionally naming a successor) or dismiss it,
    each with a written reason. Moved only by workflow.services.retirement."""

    class Reason(models.TextChoices):
        NO_UPDATE = "no_update", _("连续三年未修订")
        FAILED_CHECK = "failed_check", _("抽查不合格且未整改")
        AUTHOR_CONDUCT = "author_conduct", _("编写人员存在问题")
        MAJOR_INCIDENT = "major_incident", _("出现重大事故")
        IMPROPER_PROMOTION = "improper_promotion", _("违规推销")
        SUPERSEDED_BY_PLANNING = "superseded", _("规划调整替代")

    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.CASCADE,
        related_name="retirement_proposals",
    )
    reason = models.CharField(_("退出事由"), max_length=30, choices=Reason.choices)
    state = FSMField(
        _("状态"), default=RetirementState.PROPOSED, choices=RetirementState.choices, protected=True
    )
    proposed_on = models.DateField(_("提出日期"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("空表示由每日巡检自动提出"),
    )
    # The failed sampling check behind a "failed check, not rectified" proposal.
    sampling_check = models.ForeignKey(
        "workflow.SamplingCheck",
        verbose_name=_("抽查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retirement_proposals",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.TextField(_("决定理由"), blank=True)
    successor = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("替代教材"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = _("退出案")
        verbose_name_plural = _("退出案")
        constraints = [
            models.UniqueConstraint(
                fields=["textbook", "reason"],
                condition=Q(decided_at__isnull=True),
                name="one_open_retirement_proposal_per_reason",
            )
        ]

    def __str__(self):
        return f"{self.textbook} · {self.get_reason_display()}"

    @property
    def is_open(self):
        return self.state == RetirementState.PROPOSED

    @transition(field=state, source=RetirementState.PROPOSED, target=RetirementState.RETIRED)
    def retire(self, *, by=None, reason=""):
        pass

    @transition(field=state, source=RetirementState.PROPOSED, target=RetirementState.DISMISSED)
    def dismiss(self, *, by=None, reason=""):
        pass
