from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuquan.care.models import Category, IncomeBand, ReferralOrg, ReferralStatus
from tuquan.core.widgets import DatePicker

# A browser's date input reads and sends ISO dates (and shows them the user's way): a value in
# dd/mm/yyyy would leave it empty, and the phone's "met today" button without its date.
DATE = DatePicker()


class PersonForm(forms.Form):
    area = forms.ChoiceField(label=_("Nơi cư trú"))
    category = forms.ChoiceField(label=_("Diện"), choices=Category.choices)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    birth_year = forms.CharField(label=_("Năm sinh"), max_length=4, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), max_length=500, required=False, help_text=_("Số bản án, quyết định.")
    )
    needs = forms.CharField(
        label=_("Nhu cầu, hoàn cảnh"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    start_on = forms.DateField(label=_("Bắt đầu giúp đỡ"), widget=DATE)
    planned_end_on = forms.DateField(label=_("Dự kiến kết thúc"), widget=DATE, required=False)
    team = forms.ChoiceField(label=_("Tổ giúp đỡ"), required=False)
    helper = forms.ChoiceField(label=_("Người giúp đỡ"), required=False)


class CheckInForm(forms.Form):
    occurred_on = forms.DateField(label=_("Ngày gặp"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutcomeForm(forms.Form):
    job_found_on = forms.DateField(label=_("Có việc làm từ"), widget=DATE, required=False)
    loan_on = forms.DateField(label=_("Được vay vốn ngày"), widget=DATE, required=False)
    loan_amount = forms.DecimalField(
        label=_("Số tiền vay (đồng)"), max_digits=14, decimal_places=0, required=False
    )
    family_support = forms.BooleanField(label=_("Gia đình nhận, hỗ trợ"), required=False)
    income_band = forms.ChoiceField(
        label=_("Thu nhập hằng tháng"), choices=IncomeBand.choices, required=False
    )
    reoffended_on = forms.DateField(label=_("Tái phạm ngày"), widget=DATE, required=False)


class ReferralForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Giới thiệu đến"), choices=ReferralOrg.choices)
    referred_on = forms.DateField(label=_("Ngày giới thiệu"), widget=DATE, initial=timezone.localdate)
    need = forms.CharField(
        label=_("Nhu cầu, lý do"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("Tình trạng"), choices=ReferralStatus.choices)
    outcome = forms.CharField(
        label=_("Kết quả"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome_on = forms.DateField(label=_("Ngày có kết quả"), widget=DATE, required=False)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Kết thúc ngày"), widget=DATE, initial=timezone.localdate)


class ContributionForm(forms.Form):
    household = forms.ChoiceField(label=_("Hộ"), required=False)
    amount = forms.DecimalField(
        label=_("Số tiền (đồng)"),
        max_digits=16,
        decimal_places=0,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1000"}),
    )
    occurred_on = forms.DateField(label=_("Ngày"), widget=DATE, initial=timezone.localdate)


class ExpenseForm(forms.Form):
    purpose = forms.CharField(label=_("Nội dung chi"), max_length=300)
    amount = forms.DecimalField(
        label=_("Số tiền (đồng)"),
        max_digits=16,
        decimal_places=0,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1000"}),
    )
    occurred_on = forms.DateField(label=_("Ngày"), widget=DATE, initial=timezone.localdate)
    approved_by = forms.CharField(label=_("Người duyệt chi"), max_length=150)


class CorrectionForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Số tiền sửa (đồng, âm để giảm)"),
        max_digits=16,
        decimal_places=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    occurred_on = forms.DateField(label=_("Ngày ghi sửa"), widget=DATE, initial=timezone.localdate)
    purpose = forms.CharField(label=_("Lý do sửa"), max_length=300)


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Tháng (ngày bất kỳ trong tháng)"), widget=DATE)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))
