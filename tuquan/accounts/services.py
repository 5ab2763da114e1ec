"""Every write on accounts: creation, changes, moves, deactivation, codes, tokens, 2FA."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuquan.accounts.actors import acting_user
from tuquan.accounts.models import ApiToken, ResetCode, RoleAssignment, User
from tuquan.accounts.permissions import can_grant_role, can_manage_account
from tuquan.accounts.tasks import credentials_purge_expired
from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction
from tuquan.core.services import audit_record

RESET_CODE_TTL = timedelta(hours=72)
API_TOKEN_TTL = timedelta(days=30)
# No 0/O, 1/I/L: the code is read aloud or copied by hand from a phone screen.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _normalize_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _main_area(user: User) -> Area | None:
    first = user.assignments.select_related("area").order_by("id").first()
    return first.area if first else None


def _audit(*, actor: Actor, action: str, user: User, details: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=action, obj=user, area=_main_area(user), label=user.username, details=details
    )


def _end_sessions_and_tokens(user: User) -> None:
    # A new stamp changes the session hash, so every open session fails its next check.
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["security_stamp"])
    user.api_tokens.all().delete()
    scoping.forget(user)


def user_create(
    *,
    actor: Actor,
    username: str,
    full_name: str,
    role: str,
    area: Area,
    phone: str = "",
    national_id: str = "",
) -> tuple[User, str]:
    """Create an account with one role over `area`; returns it and a one-time code to hand over."""
    if not can_grant_role(actor, role, area):
        raise PermissionDenied(_("Bạn không thể cấp vai trò này tại địa bàn này."))
    username = (username or "").strip().lower()
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("Tên đăng nhập đã có người dùng.")})
        user = User(
            username=username,
            full_name=" ".join(full_name.split()),
            phone=phone.strip(),
            national_id=national_id.strip(),
            must_change_password=True,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        RoleAssignment.objects.create(user=user, role=role, area=area)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=user,
            area=area,
            label=user.username,
            details={"role": role},
        )
        code = _issue_code(actor=actor, user=user)
    return user, code


def user_update(*, actor: Actor, user: User, full_name: str, phone: str, national_id: str) -> User:
    if not can_manage_account(actor, user) and actor.pk != user.pk:
        raise PermissionDenied(_("Bạn không có quyền sửa tài khoản này."))
    changed = []
    with transaction.atomic():
        for name, value in (
            ("full_name", " ".join(full_name.split())),
            ("phone", phone.strip()),
            ("national_id", national_id.strip()),
        ):
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        user.full_clean(exclude=["password"])
        user.save()
        # Field names only: the values are personal data.
        _audit(actor=actor, action=AuditAction.UPDATE, user=user, details={"fields": changed})
    return user


def user_move(*, actor: Actor, user: User, area: Area) -> User:
    """Move an officer to another area: same roles, new area; their sessions and tokens end."""
    if not can_manage_account(actor, user):
        raise PermissionDenied(_("Bạn không có quyền chuyển tài khoản này."))
    with transaction.atomic():
        assignments = list(user.assignments.select_related("area"))
        old = [a.area.ident for a in assignments]
        for a in assignments:
            if not can_grant_role(actor, a.role, area):
                raise PermissionDenied(_("Bạn không thể cấp vai trò này tại địa bàn này."))
            a.area = area
            a.full_clean(validate_unique=False)
            a.save()
        _end_sessions_and_tokens(user)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=user,
            area=area,
            label=user.username,
            details={"moved_from": old, "moved_to": area.ident},
        )
    return user


def user_deactivate(*, actor: Actor, user: User) -> User:
    if not can_manage_account(actor, user):
        raise PermissionDenied(_("Bạn không có quyền khoá tài khoản này."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        _end_sessions_and_tokens(user)
        _audit(actor=actor, action=AuditAction.SECURITY, user=user, details={"deactivated": True})
    return user


def user_reactivate(*, actor: Actor, user: User) -> User:
    if not can_manage_account(actor, user):
        raise PermissionDenied(_("Bạn không có quyền mở khoá tài khoản này."))
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        _audit(actor=actor, action=AuditAction.SECURITY, user=user, details={"reactivated": True})
    return user


def _issue_code(*, actor: Actor, user: User) -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    user.reset_codes.filter(used_at__isnull=True).update(used_at=timezone.now())
    ResetCode.objects.create(
        user=user,
        digest=_digest(raw),
        issued_by=acting_user(actor),
        expires_at=timezone.now() + RESET_CODE_TTL,
    )
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def password_reset_issue(*, actor: Actor, user: User) -> str:
    """A one-time code for the officer to hand over in person (there is no e-mail)."""
    if not can_manage_account(actor, user):
        raise PermissionDenied(_("Bạn không có quyền đặt lại mật khẩu tài khoản này."))
    with transaction.atomic():
        code = _issue_code(actor=actor, user=user)
        _audit(actor=actor, action=AuditAction.SECURITY, user=user, details={"reset_code_issued": True})
    return code


def password_reset_redeem(*, username: str, code: str, new_password: str, request: Any = None) -> User:
    """Set a new password with a handed-over code. The same error for every failure, so the
    form does not reveal which usernames exist."""
    invalid = ValidationError({"code": _("Tên đăng nhập hoặc mã không đúng, hoặc mã đã hết hạn.")})
    user = User.objects.filter(username__iexact=(username or "").strip(), is_active=True).first()
    if user is None:
        raise invalid
    with transaction.atomic():
        row = (
            user.reset_codes.select_for_update()
            .filter(
                digest=_digest(_normalize_code(code)), used_at__isnull=True, expires_at__gt=timezone.now()
            )
            .first()
        )
        if row is None:
            raise invalid
        try:
            validate_password(new_password, user)
        except ValidationError as exc:
            raise ValidationError({"new_password": exc.messages}) from exc
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        _end_sessions_and_tokens(user)
        _audit(actor=user, action=AuditAction.SECURITY, user=user, details={"password_set_with_code": True})
    AxesProxyHandler.reset_attempts(username=user.username)
    return user


def password_change(*, actor: User, old_password: str, new_password: str) -> User:
    if not actor.check_password(old_password):
        raise ValidationError({"old_password": _("Mật khẩu hiện tại không đúng.")})
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.save(update_fields=["password", "must_change_password"])
        actor.api_tokens.all().delete()
        _audit(actor=actor, action=AuditAction.SECURITY, user=actor, details={"password_changed": True})
    return actor


def api_token_issue(*, user: User) -> str:
    raw = "tq_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, digest=_digest(raw), expires_at=timezone.now() + API_TOKEN_TTL)
        _audit(actor=user, action=AuditAction.LOGIN, user=user, details={"api_token": True})
        # Housekeeping rides on token issue: no scheduler is needed to keep the table small.
        transaction.on_commit(credentials_purge_expired.enqueue)
    return raw


def api_token_authenticate(raw: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def otp_confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def otp_verify(user: User, token: str) -> bool:
    return bool(token) and match_token(user, token.strip().replace(" ", "")) is not None


def otp_setup_start(*, actor: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for the actor (replacing an unfinished one)."""
    if otp_confirmed_device(actor) is not None:
        raise ValidationError(_("Xác thực hai lớp đã bật."))
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="Tự Quản", confirmed=False)


def otp_setup_confirm(*, actor: User, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError({"token": _("Mã xác thực không đúng. Hãy nhập mã đang hiện trên ứng dụng.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        actor.api_tokens.all().delete()
        _audit(actor=actor, action=AuditAction.SECURITY, user=actor, details={"otp_enabled": True})
    return device


def otp_disable(*, actor: User, token: str) -> None:
    if not otp_verify(actor, token):
        raise ValidationError({"token": _("Mã xác thực không đúng.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        _audit(actor=actor, action=AuditAction.SECURITY, user=actor, details={"otp_enabled": False})


def otp_reset_for(*, actor: Actor, user: User) -> None:
    """A manager removes a lost authenticator (the phone was lost); the user sets it up again."""
    if not can_manage_account(actor, user):
        raise PermissionDenied(_("Bạn không có quyền với tài khoản này."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        _end_sessions_and_tokens(user)
        _audit(actor=actor, action=AuditAction.SECURITY, user=user, details={"otp_reset": True})
