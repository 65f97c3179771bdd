from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm

from textbooks import scope
from textbooks.models import Institution, InstitutionKind


class TextbookForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = scope.province_choices(self.for_user) if self.for_user else None
        if choices is not None and "province" in self.fields:
            self.fields["province"].choices = choices
            self.fields["province"].required = True

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
