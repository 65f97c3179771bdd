"""Selection and filing (选用备案): a school's selection committee chooses the edition for each
course of a term, approves the choice by quorum, announces it at the school (公示), files it
with the provincial authority, which accepts it or returns it with reasons. A filed plan is
flagged when a textbook it selected is later suspended, retired or superseded.

Every state machine here is moved only by workflow.services.selection.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class Season(models.TextChoices):
    SPRING = "spring", _("春季")
    AUTUMN = "autumn", _("秋季")


class SelectionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("委员会已通过")
    PUBLIC_NOTICE = "public_notice", _("校内公示中")
    FILED = "filed", _("已备案待审核")
    ACCEPTED = "accepted", _("备案通过")
    RETURNED = "returned", _("已退回")
    FLAGGED = "flagged", _("需重新选用")


S = SelectionState


class FlagCause(models.TextChoices):
    SUSPENDED = "suspended", _("教材暂停使用")
    RETIRED = "retired", _("教材退出")
    SUPERSEDED = "superseded", _("版次被替代")


# A plan the school teaches from: what the authority has on file.
IN_FORCE = [S.FILED, S.ACCEPTED, S.FLAGGED]


class SelectionPlan(ConcurrentTransitionMixin, models.Model):
    """One school's selection for one term (e.g. 2027 春季)."""

    school = models.ForeignKey(
        "textbooks.Institution",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="selection_plans",
        limit_choices_to={"kind": "school"},
    )
    year = models.PositiveSmallIntegerField(_("学年"))
    season = models.CharField(_("学期"), max_length=10, choices=Season.choices)
    # The plan this one started from: its flagged lines are marked on the copies.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("上一学期选用"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Approvals of earlier rounds (before a return) no longer count.
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    notice_starts_at = models.DateTimeField(_("公示开始时间"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("公示结束时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    answer = models.TextField(_("审核意见"), blank=True)
    answered_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    state = FSMField(_("状态"), default=S.DRAFT, choices=S.choices, protected=True)

    class Meta:
        # Latest term first: within a year autumn follows spring, and "autumn" < "spring".
        ordering = ["-year", "season", "pk"]
        verbose_name = _("选用计划")
        verbose_name_plural = _("选用计划")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "season"],
                name="one_selection_plan_per_school_and_term",
                violation_error_message=_("该校本学期已有选用计划。"),
            )
        ]
        indexes = [models.Index(fields=["year", "season", "state"])]

    def __str__(self):
        return f"{self.school} · {self.term_label}"

    @property
    def term_label(self):
        return f"{self.year} {self.get_season_display()}"

    @transition(state, source=S.DRAFT, target=S.APPROVED)
    def approve(self, *, by, reason=""):
        pass

    @transition(state, source=S.APPROVED, target=S.PUBLIC_NOTICE)
    def start_notice(self, *, by, reason=""):
        pass

    @transition(state, source=S.PUBLIC_NOTICE, target=S.FILED)
    def file(self, *, by, reason=""):
        pass

    @transition(state, source=S.FILED, target=S.ACCEPTED)
    def accept(self, *, by, reason=""):
        pass

    @transition(state, source=S.FILED, target=S.RETURNED)
    def send_back(self, *, by, reason=""):
        pass

    @transition(state, source=[S.RETURNED, S.APPROVED, S.PUBLIC_NOTICE], target=S.DRAFT)
    def revise(self, *, by, reason=""):
        pass

    @transition(state, source=[S.FILED, S.ACCEPTED], target=S.FLAGGED)
    def flag(self, *, by=None, reason=""):
        pass

    # A flag cleared (its cause is gone): back to where the plan was when flagged.
    @transition(state, source=S.FLAGGED, target=S.FILED)
    def unflag_filed(self, *, by=None, reason=""):
        pass

    @transition(state, source=S.FLAGGED, target=S.ACCEPTED)
    def unflag_accepted(self, *, by=None, reason=""):
        pass


class SelectionLine(models.Model):
    """One course of the plan: the edition chosen and how many students will use it."""

    plan = models.ForeignKey(
        SelectionPlan, verbose_name=_("选用计划"), on_delete=models.CASCADE, related_name="lines"
    )
    course = models.ForeignKey(
        "textbooks.Course", verbose_name=_("课程"), on_delete=models.PROTECT, related_name="+"
    )
    edition = models.ForeignKey(
        "workflow.Edition",
        verbose_name=_("版次"),
        on_delete=models.PROTECT,
        related_name="selection_lines",
    )
    expected_students = models.PositiveIntegerField(
        _("预计使用人数"), validators=[MinValueValidator(1)]
    )
    reason = models.TextField(
        _("选用理由"), blank=True, help_text=_("所选不是国家规划教材时，须说明理由")
    )
    flagged_at = models.DateTimeField(_("标记时间"), null=True, blank=True)
    flag_reason = models.TextField(_("标记原因"), blank=True)
    # Why, as code: the flag is cleared when its cause is (a suspended textbook restored).
    flag_cause = models.CharField(
        _("标记起因"), max_length=20, choices=FlagCause.choices, blank=True
    )
    # Copied from the previous term's line when that line was flagged.
    carried_flag = models.TextField(_("上一学期的标记"), blank=True)

    class Meta:
        ordering = ["course__name", "pk"]
        verbose_name = _("选用条目")
        verbose_name_plural = _("选用条目")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "course"],
                name="one_selection_line_per_course",
                violation_error_message=_("该课程已在本计划中。"),
            )
        ]
        indexes = [
            models.Index(
                fields=["edition"],
                condition=Q(flagged_at__isnull=True),
                name="unflagged_lines_by_edition",
            )
        ]

    def __str__(self):
        return f"{self.course} · {self.edition}"


class SelectionApproval(models.Model):
    """One committee member's approval of one round of a plan."""

    plan = models.ForeignKey(
        SelectionPlan,
        verbose_name=_("选用计划"),
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("委员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("轮次"))
    approved_at = models.DateTimeField(_("同意时间"), auto_now_add=True)

    class Meta:
        ordering = ["approved_at", "pk"]
        verbose_name = _("委员同意记录")
        verbose_name_plural = _("委员同意记录")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "member", "round"], name="one_approval_per_member_and_round"
            )
        ]

    def __str__(self):
        return f"{self.member} · {self.plan}"
