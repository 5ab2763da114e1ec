from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.core.widgets import DatePicker
from tuquan.registry.ethnicities import ETHNIC_GROUPS
from tuquan.registry.models import (
    JOURNAL_KINDS,
    AttachTo,
    CommendationLevel,
    Education,
    Gender,
    TeamStatus,
    TypeKind,
)

DATE = DatePicker()


def _choices(options: list[tuple[str, Any]], blank: str | None = None) -> list[tuple[str, Any]]:
    return ([("", blank)] if blank is not None else []) + options


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Tên tổ"), required=False)
    area = forms.ChoiceField(label=_("Địa bàn"), required=False)
    type = forms.ChoiceField(label=_("Loại mô hình"), required=False)
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=_choices(list(TeamStatus.choices), str(_("Tất cả")))
    )

    def __init__(
        self, *args: Any, areas: list[tuple[str, str]], types: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].choices = _choices(areas, str(_("Tất cả")))  # type: ignore[attr-defined]
        self.fields["type"].choices = _choices(types, str(_("Tất cả")))  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    type = forms.ChoiceField(label=_("Loại mô hình"))
    name = forms.CharField(label=_("Tên tổ, nhóm"), max_length=200)
    home_area = forms.ChoiceField(label=_("Xã quản lý"))
    areas = forms.MultipleChoiceField(
        label=_("Địa bàn hoạt động"), widget=forms.SelectMultiple(attrs={"size": 6})
    )
    other_areas = forms.CharField(
        label=_("Xã khác trong cụm (mã, cách nhau bởi dấu phẩy)"),
        required=False,
        help_text=_("Chỉ cho cụm giáp ranh, ví dụ: 04078, 04105"),
    )
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TeamStatus.choices, initial=TeamStatus.ACTIVE)
    established_on = forms.DateField(label=_("Ngày thành lập"), required=False, widget=DATE)
    decision_number = forms.CharField(label=_("Số quyết định thành lập"), required=False, max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DATE)
    decision_body = forms.CharField(label=_("Cơ quan ban hành"), required=False, max_length=200)
    notes = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args: Any,
        types: list[tuple[str, str]],
        communes: list[tuple[str, str]],
        areas: list[tuple[str, str]],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["type"].choices = types  # type: ignore[attr-defined]
        self.fields["home_area"].choices = communes  # type: ignore[attr-defined]
        self.fields["areas"].choices = areas  # type: ignore[attr-defined]


class TeamEditForm(TeamForm):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name in ("type", "home_area", "status"):
            del self.fields[name]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng mới"), choices=TeamStatus.choices)
    on = forms.DateField(label=_("Từ ngày"), widget=DATE)
    reason = forms.CharField(label=_("Lý do"), max_length=300)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    gender = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=_choices(list(Gender.choices), "—")
    )
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False, min_value=1900, max_value=2100)
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False, widget=DATE)
    area = forms.ChoiceField(label=_("Thôn, tổ dân phố"))
    education = forms.ChoiceField(
        label=_("Trình độ học vấn"), required=False, choices=_choices(list(Education.choices), "—")
    )
    resident_since = forms.DateField(label=_("Cư trú tại địa phương từ"), required=False, widget=DATE)
    phone = forms.RegexField(
        label=_("Số điện thoại"),
        required=False,
        regex=r"^\+?[0-9 .]{8,15}$",
        error_messages={"invalid": _("Số điện thoại không hợp lệ.")},
    )
    national_id = forms.RegexField(
        label=_("Số định danh cá nhân"),
        required=False,
        regex=r"^[0-9]{12}$",
        error_messages={"invalid": _("Số định danh gồm 12 chữ số.")},
    )
    # The official list (registry/ethnicities.py); "Người nước ngoài" for a foreign resident.
    ethnicity = forms.ChoiceField(
        label=_("Dân tộc"),
        required=False,
        choices=[
            ("", "—"),
            *((name, name) for name in ETHNIC_GROUPS),
            ("Người nước ngoài", _("Người nước ngoài")),
        ],
    )
    religion = forms.CharField(label=_("Tôn giáo"), required=False, max_length=60)
    allow_duplicate = forms.BooleanField(label=_("Vẫn thêm dù có thể trùng"), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]
        # A value recorded before the list (free text, or an import) stays choosable, so that
        # editing another field of the person does not erase it.
        kept = self.initial.get("ethnicity") or ""
        choices = self.fields["ethnicity"].choices  # type: ignore[attr-defined]
        if kept and kept not in {value for value, _label in choices}:
            self.fields["ethnicity"].choices = [*choices, (kept, kept)]  # type: ignore[attr-defined]


class HouseholdForm(forms.Form):
    area = forms.ChoiceField(label=_("Thôn, tổ dân phố"))
    address = forms.CharField(label=_("Địa chỉ"), max_length=300)
    head = forms.UUIDField(
        label=_("Chủ hộ (chọn từ danh sách người)"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class MembershipForm(forms.Form):
    person = forms.ChoiceField(label=_("Người"))
    role = forms.ChoiceField(label=_("Vai trò"))
    start_on = forms.DateField(label=_("Từ ngày"), widget=DATE)
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DATE)
    former_force_start = forms.DateField(label=_("Vào lực lượng cũ"), required=False, widget=DATE)
    former_force_end = forms.DateField(label=_("Rời lực lượng cũ"), required=False, widget=DATE)
    certificate_number = forms.CharField(label=_("Số giấy chứng nhận CCHT"), required=False, max_length=60)
    age_exception = forms.BooleanField(label=_("Ngoại lệ về tuổi"), required=False)
    no_pending_prosecution = forms.BooleanField(
        label=_("Không đang bị truy cứu, không có án tích"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]],
        roles: list[tuple[str, str]],
        statutory: bool,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].choices = people  # type: ignore[attr-defined]
        self.fields["role"].choices = roles  # type: ignore[attr-defined]
        if not statutory:
            for name in (
                "former_force_start",
                "former_force_end",
                "certificate_number",
                "age_exception",
                "no_pending_prosecution",
            ):
                del self.fields[name]


class EndForm(forms.Form):
    end_on = forms.DateField(label=_("Ngày rời tổ"), widget=DATE)


class TeamHouseholdForm(forms.Form):
    household = forms.ChoiceField(label=_("Hộ"))
    start_on = forms.DateField(label=_("Từ ngày"), widget=DATE)

    def __init__(self, *args: Any, households: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["household"].choices = households  # type: ignore[attr-defined]


class CommitmentForm(TeamHouseholdForm):
    start_on = None  # type: ignore[assignment]
    signed_on = forms.DateField(label=_("Ngày ký cam kết"), widget=DATE)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=300)


class TrainingForm(forms.Form):
    held_on = forms.DateField(label=_("Ngày tập huấn"), widget=DATE)
    topic = forms.CharField(label=_("Nội dung"), max_length=300)
    attendee_count = forms.IntegerField(label=_("Số người dự"), min_value=0)


class CommendationForm(forms.Form):
    awarded_on = forms.DateField(label=_("Ngày khen thưởng"), widget=DATE)
    level = forms.ChoiceField(label=_("Cấp khen"), choices=CommendationLevel.choices)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    reason = forms.CharField(label=_("Thành tích"), required=False, max_length=300)


class JSONListField(forms.CharField):
    """A list edited as lines "code: label" (roles, extra indicators)."""

    def __init__(self, *args: Any, keys: tuple[str, ...] = ("code", "label"), **kw: Any) -> None:
        self.keys = keys
        kw.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(*args, **kw)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(": ".join(str(item.get(k, "")) for k in self.keys) for item in value)
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list):
            return value
        items = []
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(":")]
            if len(parts) < 2 or not parts[0]:
                raise forms.ValidationError(_("Mỗi dòng dạng “mã: tên”."))
            items.append({k: (parts[i] if i < len(parts) else "") for i, k in enumerate(self.keys)})
        return items


class ModelTypeForm(forms.Form):
    code = forms.SlugField(label=_("Mã (không dấu, gạch nối)"), max_length=60)
    name = forms.CharField(label=_("Tên"), max_length=200)
    short_name = forms.CharField(label=_("Tên ngắn"), max_length=80)
    kind = forms.ChoiceField(label=_("Dạng"), choices=TypeKind.choices)
    attaches_to = forms.ChoiceField(label=_("Gắn với"), choices=AttachTo.choices)
    roles = JSONListField(
        label=_("Vai trò (mỗi dòng “mã: tên”)"), initial="leader: Tổ trưởng\ndeputy: Tổ phó\nmember: Tổ viên"
    )
    has_subteams = forms.BooleanField(label=_("Có tổ con"), required=False)
    journal_kinds = forms.MultipleChoiceField(
        label=_("Hoạt động ghi nhật ký"),
        choices=JOURNAL_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_indicators = JSONListField(
        label=_("Chỉ tiêu riêng (mỗi dòng “mã: tên: đơn vị”)"), required=False, keys=("code", "label", "unit")
    )
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label=_("Đang dùng"), required=False, initial=True)


class ForceSettingsForm(forms.Form):
    min_age = forms.IntegerField(label=_("Tuổi tối thiểu"), min_value=16, max_value=80)
    max_age = forms.IntegerField(label=_("Tuổi tối đa"), min_value=16, max_value=90)
    min_residence_months = forms.IntegerField(label=_("Thời gian cư trú tối thiểu (tháng)"), min_value=0)
    education_min = forms.ChoiceField(label=_("Học vấn tối thiểu"), choices=Education.choices)
    education_min_difficult = forms.ChoiceField(
        label=_("Học vấn tối thiểu ở xã vùng khó khăn"), choices=Education.choices
    )
    difficult_communes = forms.MultipleChoiceField(
        label=_("Xã vùng khó khăn"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    allowance_leader = forms.DecimalField(
        label=_("Phụ cấp tổ trưởng (đồng/tháng)"), min_value=0, decimal_places=0
    )
    allowance_deputy = forms.DecimalField(
        label=_("Phụ cấp tổ phó (đồng/tháng)"), min_value=0, decimal_places=0
    )
    allowance_member = forms.DecimalField(
        label=_("Phụ cấp tổ viên (đồng/tháng)"), min_value=0, decimal_places=0
    )
    team_size_max = forms.IntegerField(label=_("Số người tối đa mỗi tổ"), min_value=1)

    def __init__(self, *args: Any, communes: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["difficult_communes"].choices = communes  # type: ignore[attr-defined]
