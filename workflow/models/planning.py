"""Layered planning (分层规划): batches of national and provincial planned textbooks, the
textbooks applying to them, experts' scores, objections during the public notice (公示), and
schools' filings of school-based textbooks (校本教材备案).

Every state machine here is moved only by workflow.services.planning.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from textbooks.models import PROVINCES, TextbookKind
from workflow.models.review import SCORE


class PlanTier(models.TextChoices):
    NATIONAL = "national", _("国家规划教材")
    PROVINCIAL = "provincial", _("省级规划教材")


class BatchState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("申报中")
    FORMAL_CHECK = "formal_check", _("形式审查")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    PUBLIC_NOTICE = "public_notice", _("公示中")
    PUBLISHED = "published", _("已公布")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


# The forms a batch may allow, by the Textbook flag that says a textbook takes it.
FORM_CHOICES = [
    ("loose_leaf", _("活页式")),
    ("workbook", _("工作手册式")),
    ("mixed_media", _("融媒体")),
]
CANCELLABLE = [
    BatchState.DRAFT,
    BatchState.OPEN,
    BatchState.FORMAL_CHECK,
    BatchState.EXPERT_REVIEW,
    BatchState.PUBLIC_NOTICE,
]


class PlanBatch(ConcurrentTransitionMixin, models.Model):
    """One planning batch of one tier: the nation's, or one province's."""

    tier = models.CharField(_("规划层级"), max_length=20, choices=PlanTier.choices)
    # "" for the nation (a national batch); a province code for a provincial one.
    province = models.CharField(_("省份"), max_length=2, choices=PROVINCES, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("批次名称"), max_length=200)
    quota = models.PositiveIntegerField(
        _("入选名额"), null=True, blank=True, help_text=_("留空表示不限名额")
    )
    # Eligibility rules (遴选条件); workflow.services.planning.RULES reads them.
    revised_since = models.DateField(
        _("出版或修订不早于"),
        null=True,
        blank=True,
        help_text=_("首次出版或最近一次修订须在此日期或之后"),
    )
    allowed_forms = models.JSONField(
        _("允许的教材形态"), default=list, blank=True, help_text=_("留空表示不限形态")
    )
    co_development_required = models.BooleanField(_("专业课教材须校企合作开发"), default=True)
    excluded_kinds = models.JSONField(
        _("不参加遴选的类别"), default=list, blank=True, help_text=_("例如练习册、教师用书")
    )
    # Planned dates of each stage; the moments a stage actually began are in the audit log.
    applications_close = models.DateField(_("申报截止日期"), null=True, blank=True)
    review_due = models.DateField(_("评审截止日期"), null=True, blank=True)
    notice_starts_at = models.DateTimeField(_("公示开始时间"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("公示结束时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    state = FSMField(
        _("状态"), default=BatchState.DRAFT, choices=BatchState.choices, protected=True
    )

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("规划批次")
        verbose_name_plural = _("规划批次")
        constraints = [
            models.CheckConstraint(
                condition=(Q(tier=PlanTier.NATIONAL) & Q(province=""))
                | (Q(tier=PlanTier.PROVINCIAL) & ~Q(province="")),
                name="national_batches_have_no_province",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def scope_label(self):
        return self.get_province_display() if self.province else _("全国")

    @property
    def is_cancellable(self):
        return self.state in CANCELLABLE

    @property
    def allowed_form_labels(self):
        labels = dict(FORM_CHOICES)
        return [labels[code] for code in self.allowed_forms if code in labels]

    @property
    def excluded_kind_labels(self):
        labels = dict(TextbookKind.choices)
        return [labels[code] for code in self.excluded_kinds if code in labels]

    # Transitions: empty bodies, workflow.services.planning does the work.
    @transition(state, source=BatchState.DRAFT, target=BatchState.OPEN)
    def open(self, *, by, reason=""):
        pass

    @transition(state, source=BatchState.OPEN, target=BatchState.FORMAL_CHECK)
    def start_formal_check(self, *, by, reason=""):
        pass

    @transition(state, source=BatchState.FORMAL_CHECK, target=BatchState.EXPERT_REVIEW)
    def start_expert_review(self, *, by, reason=""):
        pass

    @transition(state, source=BatchState.EXPERT_REVIEW, target=BatchState.PUBLIC_NOTICE)
    def start_notice(self, *, by, reason=""):
        pass

    @transition(state, source=BatchState.PUBLIC_NOTICE, target=BatchState.PUBLISHED)
    def publish(self, *, by, reason=""):
        pass

    @transition(state, source=BatchState.PUBLISHED, target=BatchState.CLOSED)
    def close(self, *, by, reason=""):
        pass

    @transition(state, source=CANCELLABLE, target=BatchState.CANCELLED)
    def cancel(self, *, by, reason=""):
        pass


class EntryState(models.TextChoices):
    APPLIED = "applied", _("已申报")
    ELIGIBLE = "eligible", _("形式审查通过")
    INELIGIBLE = "ineligible", _("形式审查未通过")
    SCORED = "scored", _("已评分")
    RECOMMENDED = "recommended", _("拟入选")
    NOT_RECOMMENDED = "not_recommended", _("未入选")
    LISTED = "listed", _("已列入规划")
    WITHDRAWN = "withdrawn", _("已撤销")


class PlanEntry(ConcurrentTransitionMixin, models.Model):
    """One textbook in one batch."""

    batch = models.ForeignKey(
        PlanBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="entries"
    )
    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.PROTECT,
        related_name="plan_entries",
    )
    # The batch's tier, kept on the row so that the database can hold "listed at most once
    # per tier" as a constraint.
    tier = models.CharField(_("规划层级"), max_length=20, choices=PlanTier.choices)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Set when a provincial administrator recommends the textbook to a national batch.
    recommended_by_province = models.CharField(
        _("推荐省份"), max_length=2, choices=PROVINCES, blank=True
    )
    statement = models.TextField(_("申报说明"), blank=True)
    applied_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    # What the formal check found, in the site language: one sentence per failed rule.
    check_failures = models.JSONField(_("未通过的条件"), default=list, blank=True)
    check_note = models.TextField(_("审查意见"), blank=True)
    score = models.DecimalField(
        _("平均总分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    state = FSMField(
        _("状态"), default=EntryState.APPLIED, choices=EntryState.choices, protected=True
    )

    class Meta:
        ordering = ["rank", "pk"]
        verbose_name = _("规划申报")
        verbose_name_plural = _("规划申报")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "textbook"],
                name="one_entry_per_textbook_per_batch",
                violation_error_message=_("该教材已申报本批次。"),
            ),
            models.UniqueConstraint(
                fields=["textbook", "tier"],
                condition=Q(state="listed"),
                name="listed_once_per_tier",
                violation_error_message=_("该教材已列入同一层级的规划。"),
            ),
        ]

    def __str__(self):
        return f"{self.textbook} · {self.batch}"

    @transition(state, source=EntryState.APPLIED, target=EntryState.ELIGIBLE)
    def pass_check(self, *, by, reason=""):
        pass

    @transition(state, source=EntryState.APPLIED, target=EntryState.INELIGIBLE)
    def fail_check(self, *, by, reason=""):
        pass

    @transition(state, source=EntryState.ELIGIBLE, target=EntryState.SCORED)
    def mark_scored(self, *, by, reason=""):
        pass

    @transition(state, source=EntryState.SCORED, target=EntryState.RECOMMENDED)
    def recommend(self, *, by, reason=""):
        pass

    @transition(state, source=EntryState.SCORED, target=EntryState.NOT_RECOMMENDED)
    def pass_over(self, *, by, reason=""):
        pass

    @transition(state, source=EntryState.RECOMMENDED, target=EntryState.LISTED)
    def add_to_list(self, *, by, reason=""):
        pass

    @transition(state, source=EntryState.RECOMMENDED, target=EntryState.WITHDRAWN)
    def withdraw(self, *, by, reason=""):
        pass


class PlanAssignment(models.Model):
    """An expert named to score one entry, by a due date."""

    entry = models.ForeignKey(PlanEntry, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家"),
        on_delete=models.PROTECT,
        related_name="plan_assignments",
    )
    due_date = models.DateField(_("截止日期"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        constraints = [
            models.UniqueConstraint(fields=["entry", "expert"], name="one_plan_expert_per_entry")
        ]

    def __str__(self):
        return f"{self.expert} · {self.entry}"


class PlanScore(models.Model):
    """An expert's scores on 思想性、科学性、适宜性 (1–5 each) and recommendation."""

    assignment = models.OneToOneField(
        PlanAssignment, on_delete=models.PROTECT, related_name="score"
    )
    ideological_soundness = models.PositiveSmallIntegerField(_("思想性"), validators=SCORE)
    scientific_accuracy = models.PositiveSmallIntegerField(_("科学性"), validators=SCORE)
    suitability = models.PositiveSmallIntegerField(_("适宜性"), validators=SCORE)
    recommend = models.BooleanField(_("推荐入选"))
    comment = models.TextField(_("评审意见"), blank=True)
    created_at = models.DateTimeField(_("评分时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审评分")
        verbose_name_plural = _("评审评分")

    def __str__(self):
        return str(self.assignment)

    @property
    def total(self):
        return self.ideological_soundness + self.scientific_accuracy + self.suitability


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待答复")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(ConcurrentTransitionMixin, models.Model):
    """An objection to a recommended entry during the public notice, under a real name."""

    entry = models.ForeignKey(
        PlanEntry, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("姓名"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    reason = models.TextField(_("异议理由"))
    # A keyed hash of the address, for the rate limit (never the address itself).
    ip_hash = models.CharField(_("来源地址摘要"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    state = FSMField(
        _("状态"), default=ObjectionState.OPEN, choices=ObjectionState.choices, protected=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self):
        return f"{self.name} · {self.entry}"

    @transition(state, source=ObjectionState.OPEN, target=ObjectionState.UPHELD)
    def uphold(self, *, by, reason=""):
        pass

    @transition(state, source=ObjectionState.OPEN, target=ObjectionState.DISMISSED)
    def dismiss(self, *, by, reason=""):
        pass


class FilingState(models.TextChoices):
    FILED = "filed", _("已备案待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    RETURNED = "returned", _("已退回")


class SchoolFiling(ConcurrentTransitionMixin, models.Model):
    """A school's filing of a school-based textbook for one course (校本教材备案)."""

    school = models.ForeignKey(
        "textbooks.Institution",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        related_name="school_filings",
        limit_choices_to={"kind": "school"},
    )
    course = models.ForeignKey(
        "textbooks.Course", verbose_name=_("课程"), on_delete=models.PROTECT, related_name="+"
    )
    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("校本教材"),
        on_delete=models.PROTECT,
        related_name="school_filings",
    )
    reason = models.TextField(
        _("选用校本教材的理由"),
        blank=True,
        help_text=_("说明为什么国家和省级规划教材不能满足本课程的需要"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("备案人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("备案时间"), auto_now_add=True)
    answer = models.TextField(_("审核意见"), blank=True)
    answered_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    state = FSMField(
        _("状态"), default=FilingState.FILED, choices=FilingState.choices, protected=True
    )

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("校本教材备案")
        verbose_name_plural = _("校本教材备案")

    def __str__(self):
        return f"{self.school} · {self.course} · {self.textbook}"

    @transition(state, source=FilingState.FILED, target=FilingState.ACKNOWLEDGED)
    def acknowledge(self, *, by, reason=""):
        pass

    @transition(state, source=FilingState.FILED, target=FilingState.RETURNED)
    def send_back(self, *, by, reason=""):
        pass
