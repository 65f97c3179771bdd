from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from media.access import managed_textbooks
from media.models import MediaKind
from media.services import store_file, store_poster
from media.validation import inspect


class MediaAssetForm(WagtailAdminModelForm):
    """Checks the uploaded bytes (type and size for the kind) before anything is stored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.inspection = self.poster_inspection = None
        user = self.for_user
        if "textbook" in self.fields:
            field = self.fields["textbook"]
            field.required = True
            if user is not None:
                field.queryset = managed_textbooks(user)

    def clean(self):
        cleaned = super().clean()
        kind, upload = cleaned.get("kind"), cleaned.get("file")
        if not kind:
            return cleaned
        if upload and "file" in self.changed_data:
            try:
                self.inspection = inspect(upload, kind)
            except ValidationError as error:
                self.add_error("file", error)
        elif self.instance.pk and "kind" in self.changed_data:
            self.add_error("file", _("更改资源类型时，请重新上传对应类型的文件。"))
        poster = cleaned.get("poster")
        if poster and "poster" in self.changed_data:
            try:
                self.poster_inspection = inspect(poster, MediaKind.IMAGE)
            except ValidationError as error:
                self.add_error("poster", error)
        return cleaned

    def save(self, commit=True):
        # A new file is stored and the row saved together (store_file), whatever ``commit``.
        asset = super().save(commit=False)
        if asset.uploaded_by_id is None and self.for_user is not None:
            asset.uploaded_by = self.for_user
        if self.poster_inspection is not None:
            store_poster(asset, self.cleaned_data["poster"], self.poster_inspection)
        if self.inspection is not None:
            return store_file(asset, self.cleaned_data["file"], self.inspection)
        if commit:
            asset.save()
        return asset
