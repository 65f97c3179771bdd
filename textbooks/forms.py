from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm

from textbooks import roles, scope
from textbooks.choosers import person_chooser_viewset
from textbooks.models import Institution, InstitutionKind
from textbooks.names import display_name


class PersonSelect(forms.Select):
    """A select of people in which those who may not be chosen are listed, disabled, with
    the reason beside their name (``unavailable``: {pk: reason})."""

    def __init__(self, *args, unavailable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unavailable = unavailable or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reason = self.unavailable.get(getattr(value, "value", value))
        if reason:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(name)s（%(reason)s）") % {"name": label, "reason": reason}
        return option


class PersonChoiceField(forms.ModelChoiceField):
    """A person, named as people write names; those in ``unavailable`` ({pk: reason}) are
    shown disabled with the reason and refused with it if posted anyway."""

    widget = PersonSelect

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unavailable = {}

    def set_unavailable(self, unavailable):
        self.unavailable = self.widget.unavailable = dict(unavailable)

    def label_from_instance(self, user):
        return display_name(user)

    def clean(self, value):
        person = super().clean(value)
        if person is not None and person.pk in self.unavailable:
            raise forms.ValidationError(self.unavailable[person.pk], code="unavailable")
        return person


def authors_queryset(*keep):
    """The people who may write a textbook (the 编写人员 role), with ``keep`` (those already
    on the record) so that editing a record never drops them silently."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(
            Q(groups__name=roles.AUTHOR, is_active=True) | Q(pk__in=[u.pk for u in keep if u])
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class TextbookForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = scope.province_choices(self.for_user) if self.for_user else None
        if choices is not None and "province" in self.fields:
            self.fields["province"].choices = choices
            self.fields["province"].required = True
        # Only writers are offered as editor-in-chief and authors, named as people write names.
        current = []
        if self.instance.pk:
            current = [self.instance.editor_in_chief, *self.instance.authors.all()]
        for name in ("editor_in_chief", "authors"):
            if name in self.fields:
                self.fields[name].queryset = authors_queryset(*current)
                self.fields[name].label_from_instance = display_name

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) for f in ("is_loose_leaf", "is_workbook", "is_mixed_media")):
            raise forms.ValidationError(
                _("请至少选择一种教材形态：活页式、工作手册式或融媒体。"), code="no_form"
            )
        co_developers = cleaned.get("co_developers")
        if co_developers:
            wrong = [
                i
                for i in co_developers
                if not isinstance(i, Institution)
                or i.kind not in (InstitutionKind.SCHOOL, InstitutionKind.ENTERPRISE)
            ]
            if wrong:
                self.add_error("co_developers", _("合作开发单位只能是学校或企业。"))
        return cleaned


class InstitutionForm(WagtailAdminModelForm):
    """A provincial administrator keeps the institutions of his or her provinces, and no
    education authority (scope.administered_institutions)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = scope.province_choices(self.for_user) if self.for_user else None
        if provinces is not None:
            self.fields["province"].choices = provinces
            self.fields["kind"].choices = [
                choice
                for choice in self.fields["kind"].choices
                if choice[0] != InstitutionKind.AUTHORITY
            ]


class MembershipForm(WagtailAdminModelForm):
    """Members are added only to the institutions the administrator keeps; people are chosen
    by name in a chooser (textbooks.choosers)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user:
            self.fields["institution"].queryset = scope.administered_institutions(
                self.for_user
            ).order_by("name")
        self.fields["user"].widget = person_chooser_viewset.widget_class()
