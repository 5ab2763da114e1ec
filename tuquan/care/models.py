"""Supervised persons (người được quản lý, giúp đỡ) and team funds.

A supervised person's identity and history are encrypted and reachable only by the commune
officer and the assigned leader or helper (care.selectors); the non-identifying columns
(category, dates, outcomes, area) stay after minimisation so the figures survive.

A fund's ledger is append-only: an entry is never changed or deleted; a mistake is
corrected by a new entry that names the one it corrects. A closed month takes no entry.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.fields import EncryptedTextField
from tuquan.core.models import Area


class Category(models.TextChoices):
    PRISON = "prison", _("Chấp hành xong án phạt tù")
    REHAB = "rehab", _("Sau cai nghiện ma tuý")
    SUSPENDED = "suspended", _("Án treo, cải tạo không giam giữ")
    MINOR = "minor", _("Người chưa thành niên vi phạm pháp luật")
    OTHER = "other", _("Khác")


class IncomeBand(models.TextChoices):
    UNKNOWN = "", _("Chưa rõ")
    NONE = "none", _("Chưa có thu nhập")
    UNDER_2M = "under_2m", _("Dưới 2 triệu đồng/tháng")
    FROM_2M = "2m_plus", _("Từ 2 triệu đồng/tháng trở lên")


class ReferralOrg(models.TextChoices):
    """Where a supervised person is referred (nơi giới thiệu đến)."""

    WOMEN = "women_union", _("Hội Liên hiệp Phụ nữ")
    YOUTH = "youth_union", _("Đoàn Thanh niên")
    VETERANS = "veterans", _("Hội Cựu chiến binh")
    VOCATIONAL = "vocational", _("Đào tạo nghề")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    COMPLETED = "completed", _("Đã hoàn thành")
    DECLINED = "declined", _("Không tiếp nhận")


def new_ref() -> str:
    return "GD-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))


class SupervisedPerson(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A non-identifying reference: the only label audit entries and notices carry.
    ref = models.CharField(_("mã hồ sơ"), max_length=12, unique=True, default=new_ref, editable=False)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi cư trú"))
    commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã"))
    category = models.CharField(_("diện"), max_length=20, choices=Category.choices)
    # Identity (encrypted; emptied when minimised).
    full_name = EncryptedTextField(_("họ và tên"))
    birth_year = EncryptedTextField(_("năm sinh"))
    address = EncryptedTextField(_("địa chỉ"))
    legal_basis = EncryptedTextField(_("căn cứ pháp lý"))
    needs = EncryptedTextField(_("nhu cầu, hoàn cảnh"))
    start_on = models.DateField(_("bắt đầu giúp đỡ"))
    planned_end_on = models.DateField(_("dự kiến kết thúc"), null=True, blank=True)
    team = models.ForeignKey(
        "registry.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tổ"),
    )
    helper = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người giúp đỡ"),
    )
    # Outcomes (non-identifying: they stay for the figures).
    job_found_on = models.DateField(_("có việc làm từ"), null=True, blank=True)
    loan_on = models.DateField(_("được vay vốn ngày"), null=True, blank=True)
    loan_amount = models.DecimalField(
        _("số tiền vay"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    family_support = models.BooleanField(_("gia đình hỗ trợ"), default=False)
    income_band = models.CharField(_("thu nhập"), max_length=10, choices=IncomeBand.choices, blank=True)
    reoffended_on = models.DateField(_("tái phạm ngày"), null=True, blank=True)
    closed_on = models.DateField(_("kết thúc ngày"), null=True, blank=True)
    minimised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["start_on", "id"]
        verbose_name = _("người được giúp đỡ")

    def __str__(self) -> str:
        return self.ref  # never the name: str() ends up in logs and audit labels


class CheckIn(models.Model):
    person = models.ForeignKey(SupervisedPerson, on_delete=models.CASCADE, related_name="checkins")
    occurred_on = models.DateField(_("ngày gặp"))
    note = EncryptedTextField(_("ghi chú"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.occurred_on}"


class Referral(models.Model):
    """A referral of a supervised person to an organisation, and what came of it. Read only
    inside the person's circle; the need and the outcome are encrypted and emptied when the
    person is minimised (organisation, status and dates remain)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(SupervisedPerson, on_delete=models.CASCADE, related_name="referral_records")
    organisation = models.CharField(_("giới thiệu đến"), max_length=20, choices=ReferralOrg.choices)
    referred_on = models.DateField(_("ngày giới thiệu"))
    need = EncryptedTextField(_("nhu cầu, lý do"))
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    outcome = EncryptedTextField(_("kết quả"))
    outcome_on = models.DateField(_("ngày có kết quả"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-referred_on", "-id"]
        verbose_name = _("giới thiệu")

    def __str__(self) -> str:
        return f"{self.person_id}:{self.organisation}"


class FundKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Đóng góp")
    EXPENSE = "expense", _("Chi")


class AppendOnly(Exception):
    pass


class FundEntry(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("registry.Team", on_delete=models.PROTECT, related_name="fund_entries")
    kind = models.CharField(_("loại"), max_length=20, choices=FundKind.choices)
    occurred_on = models.DateField(_("ngày"))
    # Signed: a correction may be negative (it reverses part of an earlier entry).
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=16, decimal_places=0)
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hộ"),
    )
    purpose = models.CharField(_("nội dung"), max_length=300, blank=True)
    approved_by = models.CharField(_("người duyệt chi"), max_length=150, blank=True)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("sửa cho"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["occurred_on", "id"]
        verbose_name = _("bút toán quỹ")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("fund entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("fund entries are append-only")


class FundMonth(models.Model):
    """A closed month of a team's fund: no entry may be dated in it any more."""

    team = models.ForeignKey("registry.Team", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["team", "month"], name="care_fundmonth_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.month:%Y-%m}"
