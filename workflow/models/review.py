"""Review cases: one submitted change set of one textbook, reviewed on classified tracks."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from media.storage import private_storage
from textbooks.i18n import enumeration
from workflow.models.leaves import LeafAtRevision


class CaseKind(models.TextChoices):
    INITIAL = "initial", _("首次审核")
    MINOR = "minor", _("小修订")
    MAJOR = "major", _("大修订")
    CORRECTIVE = "corrective", _("整改修订")


class CaseState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已送审")
    IN_REVIEW = "in_review", _("审核中")
    APPROVED = "approved", _("审核通过")
    RESUBMIT_REQUESTED = "resubmit_requested", _("需重新送审")
    REJECTED = "rejected", _("不予通过")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")
    CANCELLED = "cancelled", _("已取消")


# A textbook has at most one case in these states at a time; an administrator may cancel any.
OPEN_STATES = [
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.IN_REVIEW,
    CaseState.RESUBMIT_REQUESTED,
    CaseState.APPROVED,
]


class ChangeCategory(models.TextChoices):
    NEW_KNOWLEDGE = "new_knowledge", _("新知识")
    NEW_TECHNOLOGY = "new_technology", _("新技术")
    NEW_PROCESS = "new_process", _("新工艺")
    NEW_METHOD = "new_method", _("新方法")


class ChangeType(models.TextChoices):
    ADDED = "added", _("新增")
    CHANGED = "changed", _("修改")
    REMOVED = "removed", _("删除")
    REORDERED = "reordered", _("调整顺序")


class TrackKind(models.TextChoices):
    POLITICAL = "political", _("政治把关")
    SUBJECT = "subject", _("学科专家审核")
    ENTERPRISE = "enterprise", _("企业专家审核")


class Outcome(models.TextChoices):
    PASS = "pass", _("通过")
    RESUBMIT = "resubmit", _("重新送审")
    REJECT = "reject", _("不予通过")


class ReviewCase(ConcurrentTransitionMixin, models.Model):
    """The state machine of one review. Transitions are called only from workflow.services.

    Every transition method takes ``by`` (the acting user) and ``reason``; the audit log
    receiver (workflow.signals) records them.
    """

    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.PROTECT,
        related_name="review_cases",
    )
    kind = models.CharField(_("送审类型"), max_length=20, choices=CaseKind.choices)
    state = FSMField(_("状态"), default=CaseState.DRAFT, choices=CaseState.choices, protected=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("送审人"),
        on_delete=models.PROTECT,
        related_name="submitted_review_cases",
    )
    change_summary = models.TextField(_("修订说明"), blank=True)
    change_categories = models.JSONField(
        _("修订类别"), default=list, blank=True, help_text=_("新知识、新技术、新工艺、新方法")
    )
    # Private: served only through workflow:document, to those who may see the case.
    usage_report = models.FileField(
        _("使用跟踪报告"),
        upload_to="review-documents/%Y/%m/",
        storage=private_storage,
        blank=True,
    )
    change_table = models.FileField(
        _("修订内容对照表"),
        upload_to="review-documents/%Y/%m/",
        storage=private_storage,
        blank=True,
    )
    textbook_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("教材页面修订版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("送审轮次"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核结论时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("审核案")
        verbose_name_plural = _("审核案")

    def __str__(self):
        return _("%(textbook)s（%(kind)s，%(state)s）") % {
            "textbook": self.textbook,
            "kind": self.get_kind_display(),
            "state": self.get_state_display(),
        }

    @property
    def is_revision(self):
        return self.kind != CaseKind.INITIAL

    def get_change_categories_display(self):
        labels = dict(ChangeCategory.choices)
        return enumeration(labels[c] for c in self.change_categories if c in labels)

    # Transitions. Bodies are empty on purpose: services do the work around them.
    @transition(state, source=CaseState.DRAFT, target=CaseState.SUBMITTED)
    def submit(self, *, by, reason=""):
        pass

    @transition(state, source=CaseState.SUBMITTED, target=CaseState.IN_REVIEW)
    def start_review(self, *, by, reason=""):
        pass

    @transition(state, source=CaseState.IN_REVIEW, target=CaseState.APPROVED)
    def approve(self, *, by, reason=""):
        pass

    @transition(state, source=CaseState.IN_REVIEW, target=CaseState.RESUBMIT_REQUESTED)
    def request_resubmission(self, *, by, reason=""):
        pass

    @transition(state, source=CaseState.IN_REVIEW, target=CaseState.REJECTED)
    def reject(self, *, by, reason=""):
        pass

    @transition(state, source=CaseState.RESUBMIT_REQUESTED, target=CaseState.SUBMITTED)
    def resubmit(self, *, by, reason=""):
        pass

    @transition(state, source=CaseState.APPROVED, target=CaseState.PUBLISHED)
    def publish(self, *, by, reason=""):
        pass

    @transition(state, source=[CaseState.DRAFT, CaseState.SUBMITTED], target=CaseState.WITHDRAWN)
    def withdraw(self, *, by, reason=""):
        pass

    @transition(state, source=OPEN_STATES, target=CaseState.CANCELLED)
    def cancel(self, *, by, reason=""):
        pass


class PinnedRevision(LeafAtRevision):
    """One leaf of a case's change set, pinned to the exact revision under review."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="pinned_revisions")
    change_type = models.CharField(_("变更类型"), max_length=20, choices=ChangeType.choices)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "page"], name="one_pin_per_leaf_per_case")
        ]
        verbose_name = _("送审活页")
        verbose_name_plural = _("送审活页")

    def __str__(self):
        return _("%(title)s（%(change)s）") % {
            "title": self.page.title,
            "change": self.get_change_type_display(),
        }


class ReviewTrack(models.Model):
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="tracks")
    kind = models.CharField(_("审核类别"), max_length=20, choices=TrackKind.choices)
    required_reviewers = models.PositiveSmallIntegerField(_("所需专家人数"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_track_per_kind_per_case")
        ]
        verbose_name = _("审核类别")
        verbose_name_plural = _("审核类别")

    def __str__(self):
        return str(self.get_kind_display())

    def current_assignments(self):
        return self.assignments.filter(round=self.case.round, state=AssignmentState.ACTIVE)


class AssignmentState(models.TextChoices):
    ACTIVE = "active", _("有效")
    REPLACED = "replaced", _("已替换")


class ReviewAssignment(models.Model):
    track = models.ForeignKey(ReviewTrack, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核专家"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    round = models.PositiveSmallIntegerField(_("送审轮次"))
    due_date = models.DateField(_("截止日期"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    last_reminded_on = models.DateField(_("最近提醒日期"), null=True, blank=True)
    state = FSMField(
        _("状态"), default=AssignmentState.ACTIVE, choices=AssignmentState.choices, protected=True
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("接替的分配"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "reviewer", "round"], name="one_assignment_per_reviewer_per_round"
            )
        ]
        verbose_name = _("审核分配")
        verbose_name_plural = _("审核分配")

    def __str__(self):
        return f"{self.reviewer} · {self.track.case}"

    @property
    def case(self):
        return self.track.case

    # Called only from workflow.services, which sets replaced_by; the audit log records it.
    @transition(state, source=AssignmentState.ACTIVE, target=AssignmentState.REPLACED)
    def replace(self, *, by, reason=""):
        pass


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Opinion(models.Model):
    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.PROTECT, related_name="opinion"
    )
    ideological_soundness = models.PositiveSmallIntegerField(_("思想性"), validators=SCORE)
    scientific_accuracy = models.PositiveSmallIntegerField(_("科学性"), validators=SCORE)
    suitability = models.PositiveSmallIntegerField(_("适宜性"), validators=SCORE)
    comment = models.TextField(_("审核意见"))
    outcome = models.CharField(_("审核结论"), max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")

    def __str__(self):
        return _("%(reviewer)s：%(outcome)s") % {
            "reviewer": self.assignment.reviewer,
            "outcome": self.get_outcome_display(),
        }
