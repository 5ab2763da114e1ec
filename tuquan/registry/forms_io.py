"""The form of the workbook upload page (registry.views_io)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.core.workbook import SUFFIXES

# A province's registry of 100,000 households with their heads is about 15 MB.
MAX_UPLOAD_MB = 60


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx, .xls) hoặc bảng tính .ods"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    dry_run = forms.BooleanField(label=_("Chỉ kiểm tra, chưa ghi"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(
                _("Hãy chọn tệp Excel .xlsx hoặc .xls, hay bảng tính .ods (theo mẫu xuất từ hệ thống).")
            )
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("Tệp lớn quá %(n)s MB.") % {"n": MAX_UPLOAD_MB})
        return upload
