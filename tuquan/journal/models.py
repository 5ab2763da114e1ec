"""The activity journal: what teams did, checked by the commune, approved and locked by month."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.models import Area, ChoiceLabels
from tuquan.registry.models import JOURNAL_KINDS, Person, Team


class EntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ kiểm tra")
    VERIFIED = "verified", _("Đã kiểm tra")
    RETURNED = "returned", _("Trả lại")


class MediationOutcome(models.TextChoices):
    RECONCILED = "reconciled", _("Hoà giải thành")
    NOT_RECONCILED = "not_reconciled", _("Không thành")
    REFERRED = "referred", _("Chuyển cơ quan có thẩm quyền")


class TipCategory(models.TextChoices):
    DRUGS = "drugs", _("Ma tuý")
    THEFT = "theft", _("Trộm cắp")
    GAMBLING = "gambling", _("Cờ bạc")
    VIOLENCE = "violence", _("Bạo lực")
    SUSPICIOUS = "suspicious", _("Đối tượng, hoạt động khả nghi")
    OTHER = "other", _("Khác")


class IncidentKind(models.TextChoices):
    FIRE = "fire", _("Cháy")
    TRAFFIC = "traffic", _("Bảo vệ hiện trường tai nạn giao thông")
    FIGHT = "fight", _("Ngăn chặn đánh nhau")
    OTHER = "other", _("Khác")


class Entry(ChoiceLabels):
    """One thing a team did on a day at a village. Kind-specific fields are null elsewhere."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="entries", verbose_name=_("tổ"))
    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("thôn"))
    kind = models.CharField(_("loại hoạt động"), max_length=20, choices=JOURNAL_KINDS)
    occurred_on = models.DateField(_("ngày"))
    participants = models.ManyToManyField(Person, blank=True, related_name="journal_entries")
    other_participants = models.PositiveIntegerField(_("người khác tham gia"), default=0)
    # patrol
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    member_turns = models.PositiveIntegerField(_("lượt người"), null=True, blank=True)
    # awareness session
    attendance_persons = models.PositiveIntegerField(_("số người dự"), null=True, blank=True)
    attendance_households = models.PositiveIntegerField(_("số hộ dự"), null=True, blank=True)
    # mediation
    subject = models.CharField(_("nội dung"), max_length=300, blank=True)
    parties = models.PositiveSmallIntegerField(_("số bên"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=MediationOutcome.choices, blank=True)
    # information passed to the police; assessed later
    tip_category = models.CharField(
        _("loại thông tin"), max_length=20, choices=TipCategory.choices, blank=True
    )
    tip_valuable = models.BooleanField(_("có giá trị"), null=True, blank=True)
    # help with an arrest
    cases = models.PositiveIntegerField(_("số vụ"), null=True, blank=True)
    suspects = models.PositiveIntegerField(_("số đối tượng"), null=True, blank=True)
    offence = models.CharField(_("hành vi"), max_length=200, blank=True)
    # items handed in
    homemade_guns = models.PositiveIntegerField(_("súng tự chế"), null=True, blank=True)
    guns = models.PositiveIntegerField(_("súng"), null=True, blank=True)
    bullets = models.PositiveIntegerField(_("đạn"), null=True, blank=True)
    explosives = models.PositiveIntegerField(_("vật liệu nổ"), null=True, blank=True)
    knives = models.PositiveIntegerField(_("dao, kiếm"), null=True, blank=True)
    other_items = models.PositiveIntegerField(_("vật khác"), null=True, blank=True)
    # incident handled
    incident_kind = models.CharField(
        _("loại sự việc"), max_length=20, choices=IncidentKind.choices, blank=True
    )
    # poppy destroyed, free migration prevented
    poppy_m2 = models.DecimalField(
        _("diện tích thuốc phiện phá (m²)"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    migration_cases = models.PositiveIntegerField(
        _("số trường hợp di cư tự do được ngăn"), null=True, blank=True
    )
    extra = models.JSONField(_("chỉ tiêu riêng"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=EntryStatus.choices, default=EntryStatus.SUBMITTED
    )
    review_comment = models.CharField(_("nhận xét"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-occurred_on", "-id"]
        verbose_name = _("hoạt động")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["village", "occurred_on"], name="journal_entry_village_day"),
            models.Index(fields=["team", "occurred_on"], name="journal_entry_team_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class ApprovalStatus(models.TextChoices):
    APPROVED = "approved", _("Xã đã duyệt")
    ACCEPTED = "accepted", _("Tỉnh đã chấp nhận")
    REOPENED = "reopened", _("Đã mở lại")


class Approval(models.Model):
    """A village's month of figures, approved by the commune officer (then locked) and
    accepted by province staff, as DHIS2's data approval. Reopening unlocks it."""

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("tháng"))  # the first day of the month
    status = models.CharField(max_length=20, choices=ApprovalStatus.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["village", "month"], name="journal_approval_unique")
        ]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%m/%Y} {self.status}"

    @property
    def locked(self) -> bool:
        return self.status in (ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED)


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")


class Aggregate(models.Model):
    """A period total entered by an officer, for years before the system or units that report
    totals only. For one indicator, area and period a figure comes from records or from an
    aggregate, never both (services refuse the overlap)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(_("chỉ tiêu"), max_length=60)
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=1)
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["area", "indicator", "period_start"], name="journal_aggregate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.area_id} {self.period_start}"


class Rollup(models.Model):
    """Monthly totals per village, model type and indicator, kept up to date in the same
    transaction as every entry write (`journal.rollups.move`). Reports read these instead
    of the raw entries; `tuquan rollups --verify` recounts them from the entries."""

    # No index of their own (an index is sixty million entries at national scale, made again
    # by every rebuild): each area leads a key or an index below, and no read looks rows up
    # by type alone; a type with rollups has teams, which keep it from being deleted.
    village = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_index=False)
    commune = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_index=False)
    province = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_index=False)
    type = models.ForeignKey("registry.ModelType", on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    code = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=16, decimal_places=1)
    # The village-month's approval at the time of writing (approve and reopen refresh it),
    # so "approved figures only" needs no join against approvals at read time.
    approved = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["village", "month", "type", "code"], name="journal_rollup_unique")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["province", "month"], name="journal_rollup_province"),
            models.Index(fields=["commune", "month"], name="journal_rollup_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.village_id} {self.month:%Y-%m}"


class _AreaTotal(models.Model):
    """What a commune's or province's total is kept by: model type, code and approval."""

    # No index of their own: the area leads the subclasses' unique keys; the type, as Rollup's.
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+", db_index=False)
    type = models.ForeignKey("registry.ModelType", on_delete=models.CASCADE, related_name="+", db_index=False)
    code = models.CharField(max_length=60)
    approved = models.BooleanField(default=False)
    value = models.DecimalField(max_digits=18, decimal_places=1)

    class Meta:
        abstract = True


class AreaRollup(_AreaTotal):
    """The village rollups summed per commune and per province (same month, type, code and
    approval). A province's ten-year figure reads a few thousand of these rows instead of
    the villages' millions. Kept in step by `journal.rollups.move`, which adds each
    write's difference by an increment (two writers in one province never overwrite each
    other's totals)."""

    month = models.DateField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["area", "month", "type", "code", "approved"], name="journal_arearollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.area_id} {self.month:%Y-%m}"


class AreaYearRollup(_AreaTotal):
    """The communes' and provinces' rollups summed by calendar year. A province's report by
    its 75 communes over ten years reads about 40,000 of these rows instead of some 500,000
    monthly ones (docs/performance.md, "Why not yearly rollups"). Kept with `AreaRollup`
    by the same increments (`journal.rollups.add_to_levels`)."""

    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["area", "year", "type", "code", "approved"], name="journal_areayearrollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.area_id} {self.year}"


class TeamMonth(models.Model):
    """How many entries a team recorded at a village in a month: the counter behind the
    `reporting.pairs` rollup (a team counts once per village-month, however much it did).
    A write adds or takes one by an increment the database applies atomically and reads the
    result back, so two writers recording a team's first entry of a month at once count it
    once (a count of the entries read before writing would let both see "none yet")."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    entries = models.PositiveIntegerField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["team", "village", "month"], name="journal_teammonth_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.village_id} {self.month:%Y-%m}: {self.entries}"
