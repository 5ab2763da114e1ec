from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from tuquan.tips.models import TipCategory, TipState
from tuquan.tips.services import REPLY_TEMPLATES

TOKEN_SALT = "tuquan.tips.form"
TOKEN_MAX_AGE = 6 * 3600
# The least time between showing the form and a post. It must stay under what the quickest
# person takes: with the place already chosen, a resident picks the type, taps the box,
# pastes a text, picks a photo and taps Gửi. Measured in Debian's Chromium at 360 px (the
# journey test in tests/test_browser.py, 2026-12-03, load average 9 on 2 cores): at a
# person's quickest pace (0.3 s between taps, the text pasted) the receipt came 1.75 s after
# the form appeared, so the old default of 3 s refused real first tips; the same steps at
# script speed took 0.34 s and are refused. See docs/security.md, "tip line timer".
MIN_SECONDS_DEFAULT = 1


def form_token() -> str:
    """A signed "form shown at" stamp: it holds a time (to the millisecond: the signer's own
    stamp has whole seconds, too coarse for a one-second minimum) and is not stored."""
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(f"{time.time():.3f}")


def token_signed(token: str) -> bool:
    """Whether the stamp is one this site issued, whatever its age."""
    try:
        signing.TimestampSigner(salt=TOKEN_SALT).unsign(token)
    except signing.BadSignature:
        return False
    return True


def token_age_ok(token: str) -> bool:
    minimum = float(getattr(settings, "TUQUAN_TIP_MIN_SECONDS", MIN_SECONDS_DEFAULT))
    try:
        shown = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    try:
        return time.time() - float(shown) >= minimum
    except ValueError:  # a page shown before stamps held milliseconds: its age is checked above
        return True


class TipForm(forms.Form):
    place = forms.CharField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Loại tin"), choices=[("", "—"), *TipCategory.choices])
    text = forms.CharField(
        label=_("Sự việc"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Hãy tả việc làm, hành vi bạn thấy (ai làm gì, ở đâu, khi nào), không tả ngoại hình."),
    )
    when_text = forms.CharField(label=_("Thời gian xảy ra (nếu biết)"), max_length=300, required=False)
    place_text = forms.CharField(label=_("Địa điểm cụ thể (nếu biết)"), max_length=300, required=False)
    vneid_ref = forms.CharField(
        label=_("Số phản ánh trên VNeID (nếu đã gửi ở đó)"), max_length=60, required=False
    )
    name = forms.CharField(label=_("Họ tên (không bắt buộc)"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại (không bắt buộc)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)
    # The honeypot: hidden from people, filled in by naive robots.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã biên nhận"),
        max_length=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Nhắn thêm cho cán bộ"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("Chuyển sang"), choices=TipState.choices)
    handed_to = forms.CharField(label=_("Đơn vị nhận (khi chuyển)"), max_length=200, required=False)
    duplicate_of = forms.ChoiceField(label=_("Trùng với tin"), required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, duplicates: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duplicate_of"].choices = [("", "—"), *duplicates]  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Mẫu trả lời"),
        required=False,
        choices=[("", "—"), *[(k, v) for k, v in REPLY_TEMPLATES.items()]],
    )
    body = forms.CharField(
        label=_("Nội dung"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    asks_more = forms.BooleanField(label=_("Đề nghị người báo cung cấp thêm thông tin"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("template") and not (data.get("body") or "").strip():
            raise forms.ValidationError(_("Hãy nhập nội dung hoặc chọn một mẫu trả lời."))
        return data


class LinkForm(forms.Form):
    entry = forms.ChoiceField(label=_("Hoạt động trong nhật ký"), required=False)
    team = forms.ChoiceField(label=_("Tổ, nhóm"), required=False)

    def __init__(
        self,
        *args: Any,
        entries: Sequence[tuple[str, str]] = (),
        teams: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "—"), *entries]  # type: ignore[attr-defined]
        self.fields["team"].choices = [("", "—"), *teams]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("entry") and not data.get("team"):
            raise forms.ValidationError(_("Chọn một hoạt động hoặc một tổ."))
        return data
