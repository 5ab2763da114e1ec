from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from tuquan.accounts import services

router = Router(tags=["Xác thực"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""


class TokenOut(Schema):
    token: str
    expires_at: datetime | None = None


@router.post("/token", auth=None, response=TokenOut, summary="Lấy mã truy cập (Bearer)")
def token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    user = authenticate(request, username=payload.username.strip().lower(), password=payload.password)
    if user is None:
        raise HttpError(401, _("Tên đăng nhập hoặc mật khẩu không đúng."))
    if services.otp_confirmed_device(user) is not None and not services.otp_verify(user, payload.otp):
        # Guessing the second factor is throttled like guessing the password.
        user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)
        raise HttpError(401, _("Tài khoản đã bật xác thực hai lớp: gửi kèm mã 6 số trong trường “otp”."))
    raw = services.api_token_issue(user=user)
    row = user.api_tokens.order_by("-created_at").first()
    return TokenOut(token=raw, expires_at=row.expires_at if row else None)
