from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.core.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp_token = forms.CharField(
        label=_("Mã xác thực hai lớp (nếu đã bật)"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class RedeemForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    code = forms.CharField(label=_("Mã một lần do cán bộ đưa"), max_length=20)
    new_password = forms.CharField(label=_("Mật khẩu mới"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("Hai mật khẩu không khớp."))
        return data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Mật khẩu hiện tại"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("Mật khẩu mới"), widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("Nhập lại mật khẩu mới"), widget=forms.PasswordInput)

    clean = RedeemForm.clean


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Tên đăng nhập"),
        max_length=150,
        regex=r"^[a-zA-Z0-9_.-]+$",
        error_messages={"invalid": _("Chỉ dùng chữ không dấu, số và . _ -")},
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"))
    area = forms.ChoiceField(label=_("Địa bàn"))
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

    def __init__(self, *args: Any, roles: list[str], areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]  # type: ignore[attr-defined]
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    phone = UserCreateForm.base_fields["phone"]
    national_id = UserCreateForm.base_fields["national_id"]


class MoveForm(forms.Form):
    area = forms.ChoiceField(label=_("Chuyển đến địa bàn"))

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã 6 số trên ứng dụng xác thực"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
