"""The residents' tip line: anonymous tips, their photos, the conversation with the officer.

Nothing here identifies the sender: no address, no user agent, no exact arrival time (the
receipt time is kept to the hour), the receipt code only as a keyed hash. Contents, photos,
identity and messages are encrypted with the deployment's field keys (core.fields).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.fields import EncryptedTextField
from tuquan.core.models import Area


class TipCategory(models.TextChoices):
    DRUGS = "drugs", _("Ma tuý")
    THEFT = "theft", _("Trộm cắp")
    GAMBLING = "gambling", _("Cờ bạc")
    VIOLENCE = "violence", _("Bạo lực")
    SUSPICIOUS = "suspicious", _("Hoạt động khả nghi")
    FIRE = "fire", _("Nguy cơ cháy nổ")
    TRAFFIC = "traffic", _("Giao thông")
    OTHER = "other", _("Khác")


class TipState(models.TextChoices):
    NEW = "new", _("Mới")
    CHECKING = "checking", _("Đang xác minh")
    VALUABLE = "valuable", _("Có giá trị")
    NOT_VALUABLE = "not_valuable", _("Không có giá trị")
    DUPLICATE = "duplicate", _("Trùng (đã gộp)")
    HANDED_OVER = "handed_over", _("Đã chuyển đơn vị khác")
    CLOSED = "closed", _("Đã đóng")


# Which state may follow which (closing is always possible once the tip is assessed).
TRANSITIONS: dict[str, frozenset[str]] = {
    TipState.NEW: frozenset({TipState.CHECKING, TipState.DUPLICATE, TipState.NOT_VALUABLE}),
    TipState.CHECKING: frozenset(
        {TipState.VALUABLE, TipState.NOT_VALUABLE, TipState.DUPLICATE, TipState.HANDED_OVER}
    ),
    TipState.VALUABLE: frozenset({TipState.HANDED_OVER, TipState.CLOSED, TipState.CHECKING}),
    TipState.NOT_VALUABLE: frozenset({TipState.CLOSED, TipState.CHECKING}),
    TipState.DUPLICATE: frozenset({TipState.CLOSED, TipState.CHECKING}),
    TipState.HANDED_OVER: frozenset({TipState.CLOSED, TipState.CHECKING}),
    TipState.CLOSED: frozenset({TipState.CHECKING}),
}


class Tip(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # HMAC-SHA256 of the receipt code under TUQUAN_TIP_SECRET: finds the tip, reveals nothing.
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The chosen place (a village, or the commune when the village was not given): routing.
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn"))
    commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã"))
    category = models.CharField(_("loại tin"), max_length=20, choices=TipCategory.choices)
    text = EncryptedTextField(_("nội dung"))
    when_text = EncryptedTextField(_("thời gian xảy ra"))
    place_text = EncryptedTextField(_("địa điểm cụ thể"))
    vneid_ref = EncryptedTextField(_("số phản ánh trên VNeID"))
    reporter_name = EncryptedTextField(_("họ tên người báo"))
    reporter_phone = EncryptedTextField(_("điện thoại người báo"))
    has_identity = models.BooleanField(default=False)
    state = models.CharField(_("trạng thái"), max_length=20, choices=TipState.choices, default=TipState.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_to = models.CharField(_("chuyển cho đơn vị"), max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    linked_entry = models.ForeignKey(
        "journal.Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_team = models.ForeignKey(
        "registry.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept to the hour: an exact time could be matched against a network log.
    received_at = models.DateTimeField(_("nhận lúc"))
    # When the resident last spoke and no officer has answered since (null: nothing waiting).
    awaiting_since = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    purge_warned_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_at", "-id"]
        verbose_name = _("tin báo")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["commune", "state"], name="tips_tip_commune_state"),
            models.Index(fields=["received_at"], name="tips_tip_received"),
        ]

    def __str__(self) -> str:
        return f"Tin báo {self.ref}"

    @property
    def ref(self) -> str:
        """A short reference officers use between themselves (not the receipt code)."""
        return self.uid.hex[:8].upper()


class TipPhoto(models.Model):
    """A re-encoded JPEG without any metadata, stored as encrypted base64."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="photos")
    data = EncryptedTextField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"Ảnh {self.pk}"


class Sender(models.TextChoices):
    RESIDENT = "resident", _("Người báo tin")
    OFFICER = "officer", _("Cán bộ")


class TipMessage(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = EncryptedTextField()
    asks_more = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Tin nhắn {self.pk}"


class TipEvent(models.Model):
    """A state change: when, by which officer, from and to, with the unit or merged tip."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    from_state = models.CharField(max_length=20, choices=TipState.choices)
    to_state = models.CharField(max_length=20, choices=TipState.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class TipNotice(models.Model):
    """An in-app notice for an officer. It names the commune and the tip's reference only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text


class RateCounter(models.Model):
    """Attempts per key and time window: "submit:all", "submit:<commune id>", "lookup:all",
    "lookup:<keyed hash of a code prefix>". Never an address or anything about the sender."""

    key = models.CharField(max_length=80)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["key", "window"], name="tips_ratecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.count}"
