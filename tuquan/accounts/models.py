from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from tuquan.core.fields import EncryptedTextField
from tuquan.core.models import Area
from tuquan.core.roles import Role

__all__ = ["ApiToken", "ResetCode", "Role", "RoleAssignment", "User"]


class User(AbstractUser):
    """An officer or team member. Residents never have an account."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    # Identity details of citizens who serve in the teams: personal data, encrypted at rest,
    # and every display of them is written to the audit log.
    phone = EncryptedTextField(_("số điện thoại"))
    national_id = EncryptedTextField(_("số định danh cá nhân"))
    # Part of the session hash: bumping it ends every session of the user at once
    # (moved to another commune, deactivated, password reset).
    security_stamp = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    must_change_password = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        ordering: ClassVar[list[str]] = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "tuquan.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_fallback_hash(self) -> Any:
        # Django would also accept hashes made with old SECRET_KEYs; they never carried the
        # stamp, so they are not accepted here.
        return iter(())


class RoleAssignment(models.Model):
    """A role held over one area's subtree (leaders and members later also over a team)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="accounts_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.area}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token of {self.user_id} until {self.expires_at:%Y-%m-%d}"


class ResetCode(models.Model):
    """A one-time code an officer hands over in person instead of a reset e-mail."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    digest = models.CharField(max_length=64)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"One-time code for {self.user_id}"
