from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tuquan.core.text import normalize_search, sort_key, sort_key_length


@cache
def _choice_labels(field: models.Field[Any, Any], language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in field.flatchoices}


class ChoiceLabels(models.Model):
    """`get_<field>_display()` from a table of labels translated once per field and language.

    Django's own rebuilds a dict of the field's choices on every call and translates each
    label to hash it: on a list of 30 journal entries, two labels a row cost more than the
    rest of the row's rendering. Choices are fixed in the code, so the table never goes stale.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        return _choice_labels(field, get_language()).get(value, value)


class Level(models.TextChoices):
    COUNTRY = "country", _("Quốc gia")
    PROVINCE = "province", _("Tỉnh, thành phố")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    VILLAGE = "village", _("Thôn, tổ dân phố")
    LEGACY_PROVINCE = "legacy_province", _("Tỉnh (trước 01/7/2025)")
    LEGACY_DISTRICT = "legacy_district", _("Huyện (trước 01/7/2025)")
    LEGACY_COMMUNE = "legacy_commune", _("Xã (trước 01/7/2025)")


LEGACY_LEVELS = (Level.LEGACY_PROVINCE, Level.LEGACY_DISTRICT, Level.LEGACY_COMMUNE)
CURRENT_LEVELS = (Level.COUNTRY, Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)

# The kinds a commune may give its villages and residential groups (docs/domain.md).
VILLAGE_KINDS = ["Thôn", "Bản", "Ấp", "Xóm", "Buôn", "Tổ dân phố", "Tiểu khu", "Khu phố", "Khối"]

COUNTRY_IDENT = "VN"
LEGACY_PREFIX = "legacy:"


class Area(models.Model):
    """One node of the single area tree.

    `ident` follows the shared contract: "14" and "04099" are current official units, a
    pre-2025 unit is "legacy:" + its old code, a village is "<commune code>.<n>". Official
    codes alone are ambiguous across 1 July 2025 (1,815 commune codes were reused), so no
    code is ever looked up without its level or prefix.
    """

    ident = models.CharField(_("mã định danh"), max_length=40, unique=True)
    code = models.CharField(_("mã đơn vị"), max_length=16, blank=True)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=40, blank=True)
    name = models.CharField(_("tên đầy đủ"), max_length=200)
    short_name = models.CharField(_("tên"), max_length=160)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    # Vietnamese dictionary order of `short_name` as plain text order (core.text.sort_key).
    sort_name = models.CharField(max_length=sort_key_length(160), editable=False, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "VN/14/04099/04099.3/": a subtree is every path starting with its root's path.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # The current province an area lies in; for a legacy unit, the province that absorbed it
    # (provinces merged whole in 2025, so this is always one province).
    province = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("địa bàn")
        ordering: ClassVar[list[str]] = ["path"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["level", "path"], name="core_area_level_path"),
            models.Index(fields=["parent", "short_name"], name="core_area_parent_name"),
            # Lists by name: a level's areas (the API), a parent's children (the area pages).
            models.Index(fields=["level", "sort_name"], name="core_area_level_sort"),
            models.Index(fields=["parent", "sort_name"], name="core_area_parent_sort"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["parent", "number"],
                condition=models.Q(level="village"),
                name="core_area_village_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = normalize_search(f"{self.short_name} {self.name}")
        self.sort_name = sort_key(self.short_name)
        super().save(*args, **kwargs)

    @property
    def is_legacy(self) -> bool:
        return self.level in LEGACY_LEVELS

    @property
    def is_active(self) -> bool:
        return self.valid_to is None or self.valid_to >= timezone.localdate()

    def ancestor_idents(self) -> list[str]:
        """Idents of the ancestors, root first, read from the path (no query)."""
        return self.path.rstrip("/").split("/")[:-1]


class SuccessionKind(models.TextChoices):
    WHOLE = "whole", _("Toàn bộ")
    PART = "part", _("Một phần")


class AreaSuccession(models.Model):
    """`predecessor` continues, wholly or in part, as `successor` from `valid_from`.

    Legacy units → current units (1 July 2025 reform) and village merges use the same link.
    """

    predecessor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(max_length=10, choices=SuccessionKind.choices)
    # For a split unit the package names a "default" successor; we record it but never use it
    # to place records: the commune officer decides (docs/domain.md).
    is_default = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="core_succession_unique")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.kind})"


class AreaNameChange(models.Model):
    """A village rename, kept so old papers and reports can still be read."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="name_changes")
    old_name = models.CharField(max_length=160)
    new_name = models.CharField(max_length=160)
    changed_on = models.DateField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        ordering: ClassVar[list[str]] = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"


class UnitCatalogueLoad(models.Model):
    """Which release of the official unit data is in the database (makes load-units idempotent)."""

    source = models.CharField(max_length=80)
    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.source} {self.loaded_at:%Y-%m-%d}"


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo")
    UPDATE = "update", _("Sửa")
    DELETE = "delete", _("Xoá")
    READ = "read", _("Xem dữ liệu nhạy cảm")
    EXPORT = "export", _("Xuất")
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
    LOGOUT = "logout", _("Đăng xuất")
    SECURITY = "security", _("Bảo mật")


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """Append-only: who did what, when, to which object; reads of sensitive records too.

    Never holds personal data in `details` (field names, not values, for sensitive fields).
    Database triggers (migration 0002) refuse UPDATE and DELETE as well.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    area_path = models.CharField(max_length=255, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        verbose_name = _("mục nhật ký hệ thống")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class DataKey(models.Model):
    """A data-encryption key, stored only wrapped (AES-GCM) under the deployment's master key."""

    wrapped_key = models.BinaryField()
    master_key_id = models.CharField(max_length=16)
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["is_primary"], condition=models.Q(is_primary=True), name="core_datakey_one_primary"
            )
        ]

    def __str__(self) -> str:
        return f"Data key {self.pk} ({'primary' if self.is_primary else 'old'})"


class PendingPlacement(models.Model):
    """A record that arrived with the address of an old commune that was split in 2025.

    Which new commune (and village) it belongs to is known only locally, so nothing is
    guessed: the record keeps the old commune as its area (outside every current subtree,
    so it is counted under the old unit) and waits in the queue of the officers of the
    communes that succeeded it until one of them places it in a village.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    legacy_area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="pending_placements")
    summary = models.CharField(max_length=200)
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    placed_area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="core_placement_unique")
        ]

    def __str__(self) -> str:
        return self.summary


class WorkerBeat(models.Model):
    """A background worker's lease (`tuquan worker`): renewed every few seconds while it
    lives. A task running on a worker whose lease has lapsed is a task nobody runs any more
    (core/jobs.py gives it an outcome)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} {self.beat_at:%H:%M:%S}"
