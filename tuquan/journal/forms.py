from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.core.widgets import DatePicker, DateTimePicker
from tuquan.journal.models import Entry, PeriodKind
from tuquan.journal.services import INDICATOR_KIND, KIND_FIELDS

DATE = DatePicker()
DATETIME = DateTimePicker()


class EntryFormBase(forms.ModelForm):
    village = forms.ChoiceField(label=_("Thôn"))
    participants = forms.MultipleChoiceField(
        label=_("Thành viên tham gia"), required=False, widget=forms.CheckboxSelectMultiple
    )
    confirm = forms.BooleanField(label=_("Xác nhận số liệu (dù cao bất thường)"), required=False)

    def __init__(
        self,
        *args: Any,
        villages: list[tuple[str, str]],
        members: list[tuple[str, str]],
        extra: list[dict[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
        self.fields["participants"].choices = members  # type: ignore[attr-defined]
        for item in extra:
            self.fields[f"extra_{item['code']}"] = forms.DecimalField(
                label=f"{item['label']} ({item.get('unit', '')})", required=False, min_value=0
            )
        self.order_fields(["occurred_on", "village"])

    def extra_values(self) -> dict[str, Any]:
        return {
            name[6:]: float(v)
            for name, v in self.cleaned_data.items()
            if name.startswith("extra_") and v is not None
        }


def entry_form_class(kind: str) -> type[EntryFormBase]:
    """A form with the fields of one kind of entry (the model gives labels and types)."""
    fields = ["occurred_on", *KIND_FIELDS[kind], "other_participants", "note"]
    widgets: dict[str, Any] = {"occurred_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}
    if kind == "patrol":
        widgets |= {"started_at": DATETIME, "ended_at": DATETIME}
    return forms.modelform_factory(Entry, form=EntryFormBase, fields=fields, widgets=widgets)  # type: ignore[return-value]


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("verified", _("Đã kiểm tra")), ("returned", _("Trả lại"))])
    comment = forms.CharField(label=_("Nhận xét"), required=False, max_length=300)


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do xoá"),
        max_length=200,
        help_text=_("Ví dụ: ghi nhầm tổ, ghi trùng. Không hoàn tác được."),
    )


class MonthForm(forms.Form):
    village = forms.CharField()
    month = forms.DateField(input_formats=["%Y-%m-%d", "%Y-%m"])
    reason = forms.CharField(required=False, max_length=300)


class UidListField(forms.Field):
    """The uids of the entries ticked in a list (several inputs of one name)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = [value] if isinstance(value, str) else list(value or [])
        try:
            return [str(uuid.UUID(str(v))) for v in values if str(v).strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Mã hoạt động không hợp lệ: tải lại trang rồi chọn lại.")) from exc


class ManyReviewForm(forms.Form):
    """Several entries checked or returned at once: those ticked (`entries`), or every
    unchecked entry of one village's month (`village` and `month`)."""

    entries = UidListField(required=False)
    verdict = forms.ChoiceField(choices=[("verified", _("Đã kiểm tra")), ("returned", _("Trả lại"))])
    comment = forms.CharField(label=_("Nhận xét (bắt buộc khi trả lại)"), required=False, max_length=300)
    village = forms.CharField(required=False, max_length=40)
    month = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%Y-%m"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("village") and not data.get("entries"):
            raise forms.ValidationError(_("Chọn ít nhất một hoạt động."))
        return data


class ReopenForm(forms.Form):
    """Reopening an approved month unlocks its figures for everyone: the officer types why
    (kept with the month and in the system log), no reason is filled in for them."""

    reason = forms.CharField(
        label=_("Lý do mở lại"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ví dụ: tổ báo ghi thiếu một buổi tuần tra ngày 12."),
    )


class AggregateForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Chỉ tiêu"), choices=[(c, c) for c in sorted(INDICATOR_KIND)])
    period_kind = forms.ChoiceField(label=_("Kỳ"), choices=PeriodKind.choices)
    period_start = forms.DateField(label=_("Ngày trong kỳ (vd. 01/01/2018)"), widget=DATE)
    value = forms.DecimalField(label=_("Giá trị"), min_value=0, decimal_places=1)
    note = forms.CharField(label=_("Nguồn, ghi chú"), required=False, max_length=300)
