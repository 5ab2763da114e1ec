from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.core.widgets import DatePicker

DATE = DatePicker()


class PeriodForm(forms.Form):
    area = forms.CharField(label=_("Mã địa bàn (vd. 14, 04099)"), max_length=40)
    start = forms.DateField(label=_("Từ ngày"), widget=DATE)
    end = forms.DateField(label=_("Đến ngày"), widget=DATE)


class IssueForm(PeriodForm):
    number = forms.CharField(label=_("Số, ký hiệu (vd. 125/BC-CAT)"), max_length=60)
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE)
    subject = forms.CharField(
        label=_("Trích yếu (để trống: theo kỳ báo cáo)"), max_length=300, required=False
    )
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=150, required=False)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=150)
    recipients = forms.CharField(
        label=_("Nơi nhận (mỗi dòng một nơi; “Lưu: VT.” tự thêm)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    corrects = forms.UUIDField(label=_("Đính chính báo cáo (mã báo cáo cũ)"), required=False)


class TemplateForm(forms.Form):
    body = forms.CharField(label=_("Nội dung mẫu"), widget=forms.Textarea(attrs={"rows": 24}))
