from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.core.models import VILLAGE_KINDS, AuditAction
from tuquan.core.widgets import DatePicker

KIND_CHOICES = [(k, k) for k in VILLAGE_KINDS]


class VillageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=KIND_CHOICES, initial="Bản")
    name = forms.CharField(label=_("Tên"), max_length=120)
    valid_from = forms.DateField(
        label=_("Thành lập từ ngày"),
        required=False,
        widget=DatePicker(),
    )


class VillageRenameForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=KIND_CHOICES)
    name = forms.CharField(label=_("Tên mới"), max_length=120)
    on = forms.DateField(label=_("Từ ngày"), required=False, widget=DatePicker())


class VillageMergeForm(forms.Form):
    target = forms.ChoiceField(label=_("Sáp nhập vào"))
    on = forms.DateField(label=_("Từ ngày"), widget=DatePicker())

    def __init__(self, *args: object, targets: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["target"].choices = targets  # type: ignore[attr-defined]


class VillageImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) hoặc CSV"))


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Hành động"), required=False, choices=[("", _("Tất cả")), *AuditAction.choices]
    )
    actor = forms.CharField(label=_("Người thực hiện"), required=False)
    q = forms.CharField(label=_("Đối tượng"), required=False)


class PlacementForm(forms.Form):
    village = forms.ChoiceField(label=_("Xếp vào thôn, tổ dân phố"))

    def __init__(self, *args: object, targets: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["village"].choices = targets  # type: ignore[attr-defined]
