from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tuquan.core.widgets import DatePicker

DATE = DatePicker()


class ReportForm(forms.Form):
    area = forms.CharField(
        label=_("Địa bàn"),
        help_text=_(
            "Gõ tên (có dấu hay không đều được) rồi chọn trong danh sách, hoặc gõ mã (vd. 14, 04099)."
        ),
        max_length=160,
        # The list fills as one types (htmx asks the server); without it, a name or code typed still works.
        widget=forms.TextInput(
            attrs={
                "list": "area-choices",
                "autocomplete": "off",
                "hx-get": reverse_lazy("reports:form"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#area-choices",
                "hx-swap": "innerHTML",
            }
        ),
    )
    start = forms.DateField(label=_("Từ ngày"), widget=DATE)
    end = forms.DateField(label=_("Đến ngày"), widget=DATE)
    by = forms.MultipleChoiceField(
        label=_("Phân tổ"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("child", _("Theo đơn vị trực thuộc")),
            ("type", _("Theo loại mô hình")),
            ("legacy", _("Theo huyện, xã cũ (trước 01/7/2025)")),
        ],
    )
    approved_only = forms.BooleanField(label=_("Chỉ số liệu đã duyệt"), required=False)
