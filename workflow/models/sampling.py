"""Sampling checks (抽查): national and provincial campaigns, the textbooks they draw, the
inspectors who check them, and the rectification of those that fail."""

from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from media.storage import private_storage
from textbooks.models import PROVINCES, Tier


class CampaignLevel(models.TextChoices):
    NATIONAL = "national", _("国家抽查")
    PROVINCIAL = "provincial", _("省级抽查")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    DRAWN = "drawn", _("已抽取")
    INSPECTING = "inspecting", _("检查中")
    CONCLUDED = "concluded", _("已结束")


class SamplingCampaign(ConcurrentTransitionMixin, models.Model):
    """One national or provincial sampling campaign of a cycle (year)."""

    cycle = models.PositiveSmallIntegerField(
        _("抽查年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("层级"), max_length=20, choices=CampaignLevel.choices)
    province = models.CharField(
        _("省份"), max_length=2, choices=PROVINCES, blank=True, help_text=_("省级抽查必填")
    )
    target_ratio = models.DecimalField(
        _("覆盖目标"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=_("国家与省级抽查合计须覆盖的在用教材比例；省级抽查按此确定抽取数量"),
    )
    national_ratio = models.DecimalField(
        _("国家抽取比例"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("国家抽查在每一层（省份×层级×专业大类）抽取的比例"),
    )
    state = FSMField(
        _("状态"), default=CampaignState.DRAFT, choices=CampaignState.choices, protected=True
    )
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    checksum = models.CharField(_("样本校验和"), max_length=64, blank=True)
    # {province: {tier: textbooks in use}} when drawn: what coverage is measured against.
    population = models.JSONField(_("在用教材数"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-cycle", "level", "province"]
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "level", "province"], name="one_campaign_per_cycle_and_place"
            ),
            models.CheckConstraint(
                condition=Q(level=CampaignLevel.NATIONAL, province="")
                | (Q(level=CampaignLevel.PROVINCIAL) & ~Q(province="")),
                name="provincial_campaign_has_a_province",
            ),
        ]

    def __str__(self):
        if self.level == CampaignLevel.NATIONAL:
            return _("%(cycle)s 年国家抽查") % {"cycle": self.cycle}
        return _("%(cycle)s 年%(province)s省级抽查") % {
            "cycle": self.cycle,
            "province": self.get_province_display(),
        }

    @transition(state, source=CampaignState.DRAFT, target=CampaignState.DRAWN)
    def draw(self, *, by, reason=""):
        pass

    @transition(state, source=CampaignState.DRAWN, target=CampaignState.INSPECTING)
    def start_inspection(self, *, by, reason=""):
        pass

    @transition(state, source=CampaignState.INSPECTING, target=CampaignState.CONCLUDED)
    def conclude(self, *, by, reason=""):
        pass


class CheckState(models.TextChoices):
    PENDING = "pending", _("待检查")
    INSPECTING = "inspecting", _("检查中")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改")
    LAPSED = "lapsed", _("逾期未整改")


# A check with its result: passed, or failed and whatever its rectification became.
DECIDED_STATES = [
    CheckState.PASSED,
    CheckState.FAILED,
    CheckState.RECTIFYING,
    CheckState.RECTIFIED,
    CheckState.LAPSED,
]
FAILED_STATES = [CheckState.FAILED, CheckState.RECTIFYING, CheckState.RECTIFIED, CheckState.LAPSED]


class SamplingCheck(ConcurrentTransitionMixin, models.Model):
    """One textbook drawn in one campaign. Its stratum is recorded as drawn."""

    campaign = models.ForeignKey(
        SamplingCampaign, verbose_name=_("抽查"), on_delete=models.CASCADE, related_name="checks"
    )
    # Indexes: a draw writes some 20,000 rows at once, each into every index of the table, so
    # the table keeps only those that serve: the textbook is the unique constraint's first
    # column, and the foreign keys null until a check is decided are indexed where set.
    textbook = models.ForeignKey(
        "textbooks.Textbook",
        verbose_name=_("教材"),
        on_delete=models.PROTECT,
        related_name="sampling_checks",
        db_index=False,
    )
    # The campaign's cycle, repeated so that the database refuses a textbook drawn twice.
    cycle = models.PositiveSmallIntegerField(_("抽查年度"))
    province = models.CharField(_("省份"), max_length=2, choices=PROVINCES, blank=True)
    tier = models.CharField(_("规划层级"), max_length=20, choices=Tier.choices)
    category = models.CharField(_("专业大类"), max_length=50, blank=True)
    state = FSMField(
        _("状态"), default=CheckState.PENDING, choices=CheckState.choices, protected=True
    )
    result_note = models.TextField(_("检查结论"), blank=True)
    decided_at = models.DateTimeField(_("结论时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作出结论的管理员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    rectification_due_on = models.DateField(_("整改截止日期"), null=True, blank=True)
    corrective_case = models.ForeignKey(
        "workflow.ReviewCase",
        verbose_name=_("整改审核案"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sampling_checks",
        db_index=False,
    )
    rectified_by = models.ForeignKey(
        "workflow.Edition",
        verbose_name=_("整改版次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectified_checks",
        db_index=False,
    )

    class Meta:
        ordering = ["province", "tier", "category", "textbook_id"]
        verbose_name = _("抽查教材")
        verbose_name_plural = _("抽查教材")
        constraints = [
            models.UniqueConstraint(
                fields=["textbook", "cycle"], name="one_sampling_check_per_textbook_and_cycle"
            )
        ]
        indexes = [
            # The daily sweep's lapsed rectifications; no other query filters on state alone.
            models.Index(
                fields=["rectification_due_on"],
                condition=models.Q(state=CheckState.RECTIFYING),
                name="sampling_check_rectifying_due",
            ),
            *(
                models.Index(
                    fields=[name], condition=models.Q(**{f"{name}__isnull": False}), name=index
                )
                for name, index in [
                    ("decided_by", "sampling_check_decided_by"),
                    ("corrective_case", "sampling_check_corrective_case"),
                    ("rectified_by", "sampling_check_rectified_by"),
                ]
            ),
        ]

    def __str__(self):
        return f"{self.textbook} · {self.campaign}"

    @transition(state, source=CheckState.PENDING, target=CheckState.INSPECTING)
    def start_inspection(self, *, by, reason=""):
        pass

    @transition(state, source=CheckState.INSPECTING, target=CheckState.PASSED)
    def pass_check(self, *, by, reason=""):
        pass

    @transition(state, source=CheckState.INSPECTING, target=CheckState.FAILED)
    def fail(self, *, by, reason=""):
        pass

    @transition(state, source=CheckState.FAILED, target=CheckState.RECTIFYING)
    def start_rectification(self, *, by, reason=""):
        pass

    @transition(state, source=CheckState.RECTIFYING, target=CheckState.RECTIFIED)
    def rectify(self, *, by=None, reason=""):
        pass

    @transition(state, source=CheckState.RECTIFYING, target=CheckState.LAPSED)
    def lapse(self, *, by=None, reason=""):
        pass


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class SamplingInspection(models.Model):
    """An inspector named on a check, with a due date, and his or her report."""

    sampling_check = models.ForeignKey(
        SamplingCheck,
        verbose_name=_("抽查教材"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查专家"),
        on_delete=models.PROTECT,
        related_name="sampling_inspections",
    )
    due_date = models.DateField(_("截止日期"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    ideological_soundness = models.PositiveSmallIntegerField(
        _("思想性"), null=True, blank=True, validators=SCORE
    )
    scientific_accuracy = models.PositiveSmallIntegerField(
        _("科学性"), null=True, blank=True, validators=SCORE
    )
    suitability = models.PositiveSmallIntegerField(
        _("适宜性"), null=True, blank=True, validators=SCORE
    )
    findings = models.TextField(_("检查发现"), blank=True)
    recommends_pass = models.BooleanField(_("建议合格"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("检查任务")
        verbose_name_plural = _("检查任务")
        constraints = [
            models.UniqueConstraint(
                fields=["sampling_check", "inspector"],
                name="one_inspection_per_inspector_and_check",
            )
        ]

    def __str__(self):
        return f"{self.inspector} · {self.sampling_check}"


class SamplingEvidence(models.Model):
    """A file an inspector attaches to a report. Private: served only through
    workflow:sampling_evidence, to those who may see the check."""

    inspection = models.ForeignKey(
        SamplingInspection,
        verbose_name=_("检查任务"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(
        _("证据材料"), upload_to="sampling-evidence/%Y/%m/", storage=private_storage
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")

    def __str__(self):
        return self.file.name

    @property
    def filename(self):
        return PurePath(self.file.name).name
