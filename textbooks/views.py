"""The spreadsheet import screen (/admin/catalogue/import/): upload, validate, import all or
nothing, and see every error by row and column."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from textbooks.imports import ImportFailed, importers_for, read, run

MAX_UPLOAD = 50 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"))
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("CSV（UTF-8 或 GB18030）或 Excel（.xlsx）"),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(name, importer.label) for name, importer in kinds.items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件不能超过 50 MB。"))
        return upload


def import_spreadsheet(request):
    kinds = importers_for(request.user)
    if not kinds:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        importer = kinds[form.cleaned_data["kind"]](request.user)
        upload = form.cleaned_data["file"]
        try:
            result = run(importer, read(upload, upload.name))
        except ImportFailed as exc:
            form.add_error("file", exc.message)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _("导入完成：新增 %(created)d 条，更新 %(updated)d 条，未变 %(unchanged)d 条。")
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
                return redirect("catalogue_import")
        status = 400
    elif request.method == "POST":
        status = 400
    return TemplateResponse(
        request,
        "textbooks/admin/import.html",
        {
            "form": form,
            "result": result,
            "kinds": [(importer.label, importer.columns) for importer in kinds.values()],
        },
        status=status,
    )
