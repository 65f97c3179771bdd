import datetime
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from textbooks import roles
from textbooks.forms import PersonChoiceField
from textbooks.models import PROVINCES, Course, Textbook, TextbookKind, Tier
from workflow.models import (
    CampaignLevel,
    CaseKind,
    ChangeCategory,
    Edition,
    Outcome,
    PlanTier,
    RetirementProposal,
    Season,
    TrackKind,
)
from workflow.models.planning import FORM_CHOICES
from workflow.services import documents
from workflow.services.rules import recusal_reason, reviewer_qualification_error
from workflow.views.choosers import edition_chooser_viewset


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(label=_("送审类型"), choices=CaseKind.choices)
    change_summary = forms.CharField(label=_("修订说明"), widget=forms.Textarea, required=False)
    change_categories = forms.MultipleChoiceField(
        label=_("修订类别"),
        choices=ChangeCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    usage_report = forms.FileField(label=_("使用跟踪报告"), required=False)
    change_table = forms.FileField(label=_("修订内容对照表"), required=False)
    remove = forms.MultipleChoiceField(
        label=_("从本教材删除的活页"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, removable=(), kinds=None, kind_note=None, **kwargs):
        """``kinds``: those the textbook may submit now; ``kind_note``: why not the others."""
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(leaf.pk, leaf.title) for leaf in removable]
        if kinds is not None:
            self.fields["kind"].choices = [(k, CaseKind(k).label) for k in kinds]
        if kind_note:
            self.fields["kind"].help_text = kind_note
            self.fields["kind"].error_messages["invalid_choice"] = kind_note
        for field in documents.LABELS:
            self.fields[field].help_text = documents.accepted()

    def clean_usage_report(self):
        return self._document("usage_report")

    def clean_change_table(self):
        return self._document("change_table")

    def _document(self, field):
        fileobj = self.cleaned_data.get(field)
        return documents.prepared(field, fileobj) if fileobj else fileobj


class DecideForm(forms.Form):
    """The decision: its note, and the case's kind as the administrator confirms it."""

    reason = forms.CharField(label=_("结论说明（可选）"), required=False)
    kind = forms.ChoiceField(
        label=_("确认送审类型"),
        choices=CaseKind.choices,
        required=False,
        help_text=_(
            "只有大修订发布新的主版本并重新计算三年大修订周期；"
            "送审类型与修订内容不符时请更改并说明理由。"
        ),
    )
    kind_reason = forms.CharField(label=_("更改送审类型的理由"), required=False)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, CaseKind(k).label) for k in kinds]


def reviewer_candidates(textbook, case, track_kinds):
    """The active experts who could sit on one of ``track_kinds``, and {pk: reason} for those
    who may not judge ``textbook`` (in ``case``, if any): recused (回避), or qualified for none
    of the tracks."""
    groups = [
        roles.POLITICAL_REVIEWER if k == TrackKind.POLITICAL else roles.REVIEWER
        for k in track_kinds
    ]
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    unavailable = {}
    for person in people:
        errors = [reviewer_qualification_error(person, kind) for kind in track_kinds]
        reason = recusal_reason(person, textbook, case) or (errors[0] if all(errors) else None)
        if reason:
            unavailable[person.pk] = reason
    return people, unavailable


class ReviewerForm(forms.Form):
    """A reviewer and a due date: what assigning and replacing ask for. Only experts who
    may sit on the case's tracks are offered; the recused are listed, disabled, with the
    reason (the service checks again)."""

    reviewer = PersonChoiceField(label=_("审核专家"), queryset=None)
    # An <input type="date"> takes ISO dates only; the zh-hans input format (2026/12/12) would
    # leave it empty in the browser and the form would come back without a due date.
    due_date = forms.DateField(
        label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, textbook, track_kinds, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        people, unavailable = reviewer_candidates(textbook, case, track_kinds)
        self.fields["reviewer"].queryset = people
        self.fields["reviewer"].set_unavailable(unavailable)
        if not self.is_bound:
            self.initial.setdefault("due_date", timezone.localdate() + datetime.timedelta(days=14))


class AssignForm(ReviewerForm):
    track_kind = forms.ChoiceField(label=_("审核类别"))
    field_order = ["track_kind", "reviewer", "due_date"]

    def __init__(self, *args, case, **kwargs):
        tracks = list(case.tracks.all())
        super().__init__(
            *args, textbook=case.textbook, case=case, track_kinds=[t.kind for t in tracks], **kwargs
        )
        self.fields["track_kind"].choices = [(t.kind, TrackKind(t.kind).label) for t in tracks]

    def clean(self):
        cleaned = super().clean()
        reviewer, kind = cleaned.get("reviewer"), cleaned.get("track_kind")
        if reviewer is not None and kind:
            error = reviewer_qualification_error(reviewer, kind)
            if error:
                self.add_error("reviewer", error)
        return cleaned


class ReplaceForm(ReviewerForm):
    reason = forms.CharField(
        label=_("替换理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, track, **kwargs):
        super().__init__(
            *args, textbook=track.case.textbook, case=track.case, track_kinds=[track.kind], **kwargs
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("取消理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明取消的理由。")},
    )


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def score_field(label, help_text):
    """A required score from 1 to 5 with nothing chosen beforehand: a reviewer who skips
    a criterion is asked for it, not recorded as giving it full marks."""
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "score"}),
        help_text=help_text,
    )


class OpinionForm(forms.Form):
    ideological_soundness = score_field(
        _("思想性"),
        _("政治方向与价值导向正确，落实立德树人，有机融入课程思政。1 分最低，5 分最高。"),
    )
    scientific_accuracy = score_field(
        _("科学性"), _("内容准确，符合国家标准和行业规范，反映新技术、新工艺、新规范。")
    )
    suitability = score_field(
        _("适宜性"), _("符合职业院校学生的认知特点，体例、难度和篇幅适合教学使用。")
    )
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea)
    outcome = forms.ChoiceField(
        label=_("审核结论"), choices=Outcome.choices, widget=forms.RadioSelect
    )


class ErratumForm(forms.Form):
    """A teacher's public report; only the quoted text and the correction are required."""

    quoted_text = forms.CharField(
        label=_("有误的原文"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请摘录页面上有误的原文。"),
            "max_length": _("原文请不超过 %(limit_value)d 字（现为 %(show_value)d 字）。"),
        },
    )
    correction = forms.CharField(
        label=_("更正建议"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请写出您建议的更正。"),
            "max_length": _("更正建议请不超过 %(limit_value)d 字（现为 %(show_value)d 字）。"),
        },
    )
    name = forms.CharField(
        label=_("您的姓名（选填）"),
        max_length=50,
        required=False,
        error_messages={"max_length": _("姓名请不超过 %(limit_value)d 字。")},
    )
    contact = forms.CharField(
        label=_("联系方式（选填）"),
        max_length=100,
        required=False,
        help_text=_("电话或电子邮箱，仅用于核实勘误，不会公开。"),
        error_messages={"max_length": _("联系方式请不超过 %(limit_value)d 字。")},
    )


class ErratumTriageForm(forms.Form):
    action = forms.ChoiceField(
        label=_("处理"),
        choices=[
            ("triage", _("受理")),
            ("accept", _("采纳")),
            ("decline", _("不予采纳")),
            ("duplicate", _("标记为重复")),
        ],
    )
    reason = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    original = forms.ModelChoiceField(
        label=_("原报告（标记为重复时选择）"), queryset=None, required=False
    )

    def __init__(self, *args, erratum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["original"].queryset = erratum.textbook.errata.exclude(pk=erratum.pk).exclude(
            state="duplicate"
        )
        self.fields["original"].label_from_instance = lambda e: f"#{e.pk} {e.quoted_text[:30]}"


# ---- planning (workflow.services.planning) -------------------------------------------------


class BatchForm(forms.Form):
    tier = forms.ChoiceField(label=_("规划层级"), choices=PlanTier.choices)
    province = forms.ChoiceField(
        label=_("省份"), required=False, help_text=_("省级规划批次须选择省份")
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("批次名称"), max_length=200)
    quota = forms.IntegerField(
        label=_("入选名额"), min_value=1, required=False, help_text=_("留空表示不限名额")
    )
    revised_since = forms.DateField(
        label=_("出版或修订不早于"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    allowed_forms = forms.MultipleChoiceField(
        label=_("允许的教材形态"),
        choices=FORM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示不限形态"),
    )
    co_development_required = forms.BooleanField(
        label=_("专业课教材须校企合作开发"), required=False, initial=True
    )
    excluded_kinds = forms.MultipleChoiceField(
        label=_("不参加遴选的类别"),
        choices=TextbookKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    applications_close = forms.DateField(
        label=_("申报截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    review_due = forms.DateField(
        label=_("评审截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, provinces, **kwargs):
        """``provinces``: the (code, label) pairs the user plans, or None for every one."""
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "—"), *(provinces or PROVINCES)]
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class ApplyForm(forms.Form):
    textbook = forms.ModelChoiceField(label=_("教材"), queryset=None)
    statement = forms.CharField(
        label=_("申报说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, textbooks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["textbook"].queryset = textbooks


class CheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("形式审查"),
        choices=[("check", _("按遴选条件审查")), ("reject", _("不予通过"))],
        widget=forms.RadioSelect,
        initial="check",
    )
    note = forms.CharField(
        label=_("审查意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("不予通过时必填"),
    )


class ExpertForm(ReviewerForm):
    """An expert for a planning entry: subject experts, the recused disabled (the service
    checks again)."""

    def __init__(self, *args, textbook, **kwargs):
        super().__init__(*args, textbook=textbook, track_kinds=[TrackKind.SUBJECT], **kwargs)
        self.fields["reviewer"].label = _("评审专家")


class ScoreForm(forms.Form):
    ideological_soundness = forms.TypedChoiceField(
        label=_("思想性"), choices=SCORE_CHOICES, coerce=int
    )
    scientific_accuracy = forms.TypedChoiceField(
        label=_("科学性"), choices=SCORE_CHOICES, coerce=int
    )
    suitability = forms.TypedChoiceField(label=_("适宜性"), choices=SCORE_CHOICES, coerce=int)
    recommend = forms.TypedChoiceField(
        label=_("是否推荐入选"),
        choices=[("yes", _("推荐")), ("no", _("不推荐"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ObjectionForm(forms.Form):
    """Anyone may object during the notice, under a real name: all three are required."""

    entry = forms.TypedChoiceField(label=_("异议对象"), coerce=int)
    name = forms.CharField(
        label=_("真实姓名"),
        max_length=50,
        error_messages={"required": _("请填写真实姓名：异议须实名提出。")},
    )
    contact = forms.CharField(
        label=_("联系方式"),
        max_length=100,
        help_text=_("电话或电子邮箱，仅供核实，不公开"),
        error_messages={"required": _("请填写联系方式。")},
    )
    reason = forms.CharField(
        label=_("异议理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写异议理由。")},
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [(e.pk, e.textbook.title) for e in entries]


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("答复"),
        choices=[("dismiss", _("异议不成立")), ("uphold", _("异议成立，撤销该教材"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("答复意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写答复意见。")},
    )


class FilingForm(forms.Form):
    school = forms.ModelChoiceField(label=_("学校"), queryset=None)
    course = forms.ModelChoiceField(label=_("课程"), queryset=Course.objects.all())
    textbook = forms.ModelChoiceField(
        label=_("校本教材"), queryset=Textbook.objects.filter(tier=Tier.SCHOOL)
    )
    reason = forms.CharField(
        label=_("选用校本教材的理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("本课程已有国家或省级规划教材时必填：说明为什么它们不能满足需要"),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class PlanForm(forms.Form):
    """A new selection plan: which school (of those on whose committee the user sits), which
    term."""

    school = forms.ModelChoiceField(label=_("学校"), queryset=None)
    year = forms.IntegerField(label=_("学年"), min_value=2000, max_value=2100)
    season = forms.ChoiceField(label=_("学期"), choices=Season.choices)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class FilingAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("acknowledge", _("确认备案")), ("return", _("退回"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("退回时必填"),
    )


class LineForm(forms.Form):
    course = forms.ModelChoiceField(label=_("课程"), queryset=Course.objects.all())
    edition = forms.ModelChoiceField(
        label=_("教材（现行版）"),
        queryset=Edition.objects.current(),
        widget=edition_chooser_viewset.widget_class,
    )
    expected_students = forms.IntegerField(label=_("预计使用人数"), min_value=1, max_value=100000)
    reason = forms.CharField(
        label=_("选用理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("所选不是国家规划教材时必填"),
    )


class SelectionAnswerForm(forms.Form):
    """The province's answer to a filed plan."""

    accept = forms.TypedChoiceField(
        label=_("审核结论"),
        choices=[("1", _("通过备案")), ("0", _("退回"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("退回时必须说明理由"),
    )


class CampaignForm(forms.Form):
    cycle = forms.IntegerField(label=_("抽查年度"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(label=_("层级"), choices=CampaignLevel.choices)
    province = forms.ChoiceField(label=_("省份"), required=False, help_text=_("省级抽查必填"))
    target_ratio = forms.DecimalField(
        label=_("覆盖目标"), min_value=Decimal("0.01"), max_value=1, decimal_places=2
    )
    national_ratio = forms.DecimalField(
        label=_("国家抽取比例"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        help_text=_("国家抽查在每一层（省份×层级×专业大类）抽取的比例"),
    )

    def __init__(self, *args, provinces, **kwargs):
        """``provinces``: those the administrator may run a provincial campaign for."""
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "—"), *provinces]
        if not self.is_bound:
            self.initial.update(
                cycle=timezone.localdate().year,
                target_ratio=Decimal("0.50"),
                national_ratio=Decimal("0.20"),
            )


class DrawForm(forms.Form):
    seed = forms.IntegerField(
        label=_("随机种子（可选）"),
        required=False,
        min_value=0,
        max_value=2**62,
        help_text=_("留空则随机生成并记录；用同一种子重新抽取得到同一样本"),
    )


class InspectorForm(ReviewerForm):
    """An inspector and a due date: subject experts, the recused disabled (the service checks
    again)."""

    def __init__(self, *args, textbook, **kwargs):
        super().__init__(*args, textbook=textbook, track_kinds=[TrackKind.SUBJECT], **kwargs)
        self.fields["reviewer"].label = _("检查专家")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): a list, checked each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class InspectionReportForm(forms.Form):
    ideological_soundness = forms.TypedChoiceField(
        label=_("思想性"), choices=SCORE_CHOICES, coerce=int
    )
    scientific_accuracy = forms.TypedChoiceField(
        label=_("科学性"), choices=SCORE_CHOICES, coerce=int
    )
    suitability = forms.TypedChoiceField(label=_("适宜性"), choices=SCORE_CHOICES, coerce=int)
    findings = forms.CharField(label=_("检查发现"), widget=forms.Textarea(attrs={"rows": 4}))
    recommends_pass = forms.TypedChoiceField(
        label=_("检查建议"),
        choices=[("yes", _("合格")), ("no", _("不合格"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    evidence = MultipleFileField(label=_("证据材料"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = documents.accepted()


class CheckResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("检查结论"),
        choices=[("pass", _("合格")), ("fail", _("不合格"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("问题与整改要求"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("判定不合格时必填；将告知主编和编写人员"),
    )


class ProposeRetirementForm(forms.Form):
    reason = forms.ChoiceField(label=_("退出事由"), choices=RetirementProposal.Reason.choices)
    note = forms.CharField(
        label=_("说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请说明提出退出建议的理由。")},
    )


class RetirementDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[("retire", _("退出")), ("dismiss", _("不予退出"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("决定理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请写明决定的理由。")},
    )
    successor = forms.ModelChoiceField(label=_("替代教材（可选）"), queryset=None, required=False)

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors
