from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.assessment.models import UNIT_KINDS, CheckKind, Criterion, RatingLevel
from tuquan.core.widgets import DatePicker
from tuquan.registry.models import CommendationLevel


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định công nhận"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DatePicker())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=300)


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


# The phone's own date picker; the Vietnamese formats (dd/mm/yyyy) are accepted too.
DATE = DatePicker()
DECIMAL = {"inputmode": "decimal"}


class RoundOpenForm(forms.Form):
    criteria_set = forms.ChoiceField(label=_("Bộ tiêu chí"))
    commune = forms.ChoiceField(label=_("Xã"))
    year = forms.IntegerField(
        label=_("Năm đánh giá"),
        min_value=2020,
        max_value=2100,
        help_text=_("Năm kết thúc kỳ đánh giá (khu dân cư: 01/11 năm trước đến 31/10 năm này)."),
    )


YES_NO = [("yes", _("Đạt")), ("no", _("Không đạt"))]


class ResultForm(forms.Form):
    """One field per criterion that the commune answers; derived ones are computed, not typed."""

    evidence = forms.CharField(
        label=_("Hồ sơ, minh chứng"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Biên bản, số văn bản, tài liệu kèm theo."),
    )

    def __init__(self, *args: Any, criteria: list[Criterion], grades: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields: dict[str, forms.Field] = {}
        for c in criteria:
            if c.check_kind == CheckKind.YES_NO:
                fields[f"c_{c.code}"] = forms.ChoiceField(
                    label=c.text, choices=YES_NO, widget=forms.RadioSelect
                )
            elif c.check_kind == CheckKind.THRESHOLD:
                sign = "≤" if c.at_most else "≥"
                fields[f"c_{c.code}"] = forms.DecimalField(
                    label=c.text,
                    max_digits=14,
                    decimal_places=4,
                    localize=True,
                    widget=forms.TextInput(attrs=DECIMAL),
                    help_text=_("Đạt khi %(s)s %(t)s") % {"s": sign, "t": _number(c.threshold)},
                )
        if grades:
            fields["grade"] = forms.ChoiceField(
                label=_("Xếp loại"), required=False, choices=[("", "—"), *[(g, g) for g in grades]]
            )
        # Criteria first, in their order, then the evidence.
        fields["evidence"] = self.fields.pop("evidence")
        self.fields = fields  # type: ignore[assignment]

    def answers(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for c in self.criteria:
            value = self.cleaned_data.get(f"c_{c.code}")
            if value is None:
                continue
            out[c.code] = value == "yes" if c.check_kind == CheckKind.YES_NO else str(value)
        return out


def _number(value: Decimal | None) -> str:
    if value is None:
        return "0"
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


class UnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=[(k.value, k.label) for k in UNIT_KINDS])
    name = forms.CharField(label=_("Tên"), max_length=200)
    address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)


class UnitCreateForm(UnitForm):
    commune = forms.ChoiceField(label=_("Xã"))

    field_order = ["commune", "kind", "name", "address"]


class UnitEditForm(UnitForm):
    active = forms.BooleanField(label=_("Còn hoạt động"), required=False)


class HotspotForm(forms.Form):
    area = forms.ChoiceField(label=_("Địa bàn"))
    reason = forms.CharField(
        label=_("Lý do xác định"), max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )
    declared_on = forms.DateField(label=_("Ngày xác định"), widget=DATE)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    tasks = forms.CharField(
        label=_("Kế hoạch chuyển hóa"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nhiệm vụ; thêm hạn cho từng nhiệm vụ ở trang địa bàn."),
    )

    def task_specs(self) -> list[dict[str, Any]]:
        lines = (self.cleaned_data.get("tasks") or "").splitlines()
        return [{"text": line.strip()} for line in lines if line.strip()]


class TaskForm(forms.Form):
    text = forms.CharField(label=_("Nhiệm vụ"), max_length=300)
    due_on = forms.DateField(label=_("Hạn"), required=False, widget=DATE)


class TaskDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Ngày hoàn thành"), widget=DATE)


class TransformForm(forms.Form):
    on = forms.DateField(label=_("Ngày công nhận chuyển hóa"), widget=DATE)
    decision_number = forms.CharField(label=_("Số quyết định công nhận"), max_length=60)


NOT_RATED = ""


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Mức xếp loại"),
        required=False,
        choices=[*RatingLevel.choices, (NOT_RATED, _("Không xếp loại"))],
    )
    under_complaint = forms.BooleanField(label=_("Đang có khiếu nại"), required=False)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decided_on = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DATE)


class CommendForm(forms.Form):
    level = forms.ChoiceField(label=_("Cấp khen"), choices=CommendationLevel.choices)
    decision_number = forms.CharField(label=_("Số quyết định khen thưởng"), max_length=60)
    awarded_on = forms.DateField(label=_("Ngày quyết định"), widget=DATE)


class RatingCommendForm(CommendForm):
    rating = forms.UUIDField(widget=forms.HiddenInput)


class NewVersionForm(forms.Form):
    legal_basis = forms.CharField(
        label=_("Căn cứ của phiên bản mới"),
        max_length=200,
        help_text=_("Ví dụ: Thông tư số 48/2025/TT-BCA."),
    )
    name = forms.CharField(label=_("Tên (để trống: giữ tên cũ)"), max_length=200, required=False)


class CriteriaSetForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=200)
    legal_basis = forms.CharField(label=_("Căn cứ"), max_length=200)
    window_end_day = forms.IntegerField(label=_("Ngày kết thúc kỳ đánh giá"), min_value=1, max_value=31)
    window_end_month = forms.IntegerField(label=_("Tháng kết thúc kỳ đánh giá"), min_value=1, max_value=12)
    deadline_day = forms.IntegerField(label=_("Ngày hạn nộp hồ sơ"), min_value=1, max_value=31)
    deadline_month = forms.IntegerField(label=_("Tháng hạn nộp hồ sơ"), min_value=1, max_value=12)


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Mã"), max_length=40)
    text = forms.CharField(label=_("Nội dung"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    check_kind = forms.ChoiceField(label=_("Cách kiểm"), choices=CheckKind.choices)
    threshold = forms.DecimalField(
        label=_("Ngưỡng"),
        required=False,
        max_digits=12,
        decimal_places=4,
        localize=True,
        widget=forms.TextInput(attrs=DECIMAL),
    )
    at_most = forms.BooleanField(label=_("Không vượt quá ngưỡng (≤)"), required=False)
    indicator = forms.CharField(
        label=_("Mã chỉ tiêu (khi tính từ số liệu)"),
        max_length=80,
        required=False,
        help_text=_("Ví dụ: commitments.households, teams.active."),
    )


class ActivateForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Áp dụng phiên bản này; phiên bản đang áp dụng sẽ hết hiệu lực"), required=True
    )


class RatingRulesForm(forms.Form):
    excellent_quota_percent = forms.IntegerField(
        label=_("Tỷ lệ tối đa “hoàn thành xuất sắc” (%)"), min_value=0, max_value=100
    )
    min_active_months = forms.IntegerField(
        label=_("Số tháng hoạt động tối thiểu để được xếp loại"), min_value=1, max_value=12
    )


class GradingRulesForm(forms.Form):
    good_per_month = forms.DecimalField(
        label=_("Tốt: số hoạt động đã xác minh/tháng"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=DECIMAL),
    )
    good_months = forms.IntegerField(label=_("Tốt: số tháng có hoạt động"), min_value=0, max_value=12)
    fair_per_month = forms.DecimalField(
        label=_("Khá: số hoạt động đã xác minh/tháng"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=DECIMAL),
    )
    fair_months = forms.IntegerField(label=_("Khá: số tháng có hoạt động"), min_value=0, max_value=12)
    average_per_month = forms.DecimalField(
        label=_("Trung bình: số hoạt động đã xác minh/tháng"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=DECIMAL),
    )
