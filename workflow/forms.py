import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from textbooks import roles
from textbooks.forms import PersonChoiceField
from workflow.models import CaseKind, ChangeCategory, Outcome, TrackKind
from workflow.services import documents
from workflow.services.rules import recusal_reason, reviewer_qualification_error


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


def reviewer_candidates(case, track_kinds):
    """The active experts who could sit on one of ``track_kinds``, and {pk: reason} for those
    who may not on this case: recused (回避), or qualified for none of the tracks."""
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
        reason = recusal_reason(person, case.textbook, case) or (errors[0] if all(errors) else None)
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

    def __init__(self, *args, case, track_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        people, unavailable = reviewer_candidates(case, track_kinds)
        self.fields["reviewer"].queryset = people
        self.fields["reviewer"].set_unavailable(unavailable)
        if not self.is_bound:
            self.initial.setdefault("due_date", timezone.localdate() + datetime.timedelta(days=14))


class AssignForm(ReviewerForm):
    track_kind = forms.ChoiceField(label=_("审核类别"))
    field_order = ["track_kind", "reviewer", "due_date"]

    def __init__(self, *args, case, **kwargs):
        tracks = list(case.tracks.all())
        super().__init__(*args, case=case, track_kinds=[t.kind for t in tracks], **kwargs)
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
        super().__init__(*args, case=track.case, track_kinds=[track.kind], **kwargs)


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
