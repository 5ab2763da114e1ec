"""The registry: model types, teams, people, households, memberships, commitments,
trainings, commendations, and the province's settings for the statutory force."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.fields import EncryptedTextField
from tuquan.core.models import Area
from tuquan.core.text import normalize_search, sort_key, sort_key_length


class AttachTo(models.TextChoices):
    VILLAGE = "village", _("Một thôn, tổ dân phố")
    COMMUNE = "commune", _("Một xã")
    COMMUNES = "communes", _("Nhiều xã (cụm giáp ranh)")
    PARISH = "parish", _("Giáo xứ, giáo họ")
    CLAN = "clan", _("Dòng họ")
    AGENCY = "agency", _("Cơ quan, doanh nghiệp")
    SCHOOL = "school", _("Trường học")


class TypeKind(models.TextChoices):
    TEAM = "team", _("Tổ, nhóm, đội")
    PROGRAMME = "programme", _("Chương trình áp dụng cho địa bàn")


# Journal entry kinds a model type may use (the journal issue records them).
JOURNAL_KINDS = [
    ("meeting", _("Sinh hoạt")),
    ("patrol", _("Tuần tra")),
    ("awareness", _("Tuyên truyền")),
    ("mediation", _("Hoà giải")),
    ("tip", _("Cung cấp thông tin")),
    ("arrest", _("Giúp bắt giữ")),
    ("items", _("Vận động giao nộp vũ khí")),
    ("incident", _("Xử lý sự việc")),
    ("poppy", _("Phá cây thuốc phiện")),
    ("migration", _("Ngăn di cư tự do")),
]
JOURNAL_KIND_CODES = [code for code, _label in JOURNAL_KINDS]

DEFAULT_ROLES = [
    {"code": "leader", "label": "Trưởng"},
    {"code": "deputy", "label": "Phó"},
    {"code": "member", "label": "Thành viên"},
]


class ModelType(models.Model):
    """A kind of self-governance model (mô hình). Province administrators add their own."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=80)
    # Vietnamese dictionary order of `name` as plain text order (core.text.sort_key).
    sort_name = models.CharField(max_length=sort_key_length(200), editable=False, db_index=True, default="")
    kind = models.CharField(_("dạng"), max_length=20, choices=TypeKind.choices, default=TypeKind.TEAM)
    attaches_to = models.CharField(
        _("gắn với"), max_length=20, choices=AttachTo.choices, default=AttachTo.VILLAGE
    )
    roles = models.JSONField(_("vai trò trong tổ"), default=list)
    has_subteams = models.BooleanField(_("có tổ con"), default=False)
    journal_kinds = models.JSONField(_("loại hoạt động ghi nhật ký"), default=list, blank=True)
    extra_indicators = models.JSONField(_("chỉ tiêu riêng"), default=list, blank=True)
    is_statutory = models.BooleanField(_("Tổ bảo vệ ANTT ở cơ sở (theo Luật 30/2023)"), default=False)
    is_builtin = models.BooleanField(default=False, editable=False)
    # Null: the national catalogue; otherwise a type one province added for itself.
    province = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("đang dùng"), default=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["sort_name"]
        verbose_name = _("loại mô hình")

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = sort_key(self.name)
        super().save(*args, **kwargs)

    def role_codes(self) -> list[str]:
        return [r["code"] for r in self.roles]

    def role_label(self, code: str) -> str:
        return next((r["label"] for r in self.roles if r["code"] == code), code)


class TeamStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    ACTIVE = "active", _("Đang hoạt động")
    WEAK = "weak", _("Hoạt động yếu")
    DISSOLVED = "dissolved", _("Đã giải thể")


class Team(models.Model):
    """A team running a model (or a programme applied) at one or several areas.

    `home_area` is the commune that proposed it and alone edits it; officers of every
    commune among its areas see it and record its activity at their villages.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.ForeignKey(
        ModelType, on_delete=models.PROTECT, related_name="teams", verbose_name=_("loại mô hình")
    )
    name = models.CharField(_("tên"), max_length=200)
    search_name = models.CharField(max_length=400, editable=False, db_index=True)
    sort_name = models.CharField(max_length=sort_key_length(200), editable=False, db_index=True, default="")
    home_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã quản lý")
    )
    areas = models.ManyToManyField(Area, through="TeamArea", related_name="teams")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subteams",
        verbose_name=_("thuộc tổ"),
    )
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=TeamStatus.choices, default=TeamStatus.PROPOSED
    )
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_body = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["sort_name"]
        verbose_name = _("tổ, nhóm")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = normalize_search(self.name)
        self.sort_name = sort_key(self.name)
        super().save(*args, **kwargs)


class TeamArea(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_areas")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="team_links")

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["team", "area"], name="registry_teamarea_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} @ {self.area_id}"


class TeamStatusChange(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=TeamStatus.choices)
    on = models.DateField(_("từ ngày"))
    # The day of the team's next change (None for the latest): the status held on day D is
    # the change with on <= D < until, found set-based instead of "latest change per team"
    # (kept by `registry.services.status_spans_refresh` after every write of changes).
    until = models.DateField(null=True, blank=True, editable=False)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["on", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["team", "on", "until"], name="registry_status_span"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}: {self.status} {self.on}"


class Stock(models.Model):
    """A day's change in one of the registry's stocks (teams active, members, villages
    covered…) for a commune, province or the country; the stock on day D is the sum of its
    changes up to D (see `registry.stocks`). Kept in the writing transaction and checked by
    `tuquan rollups --verify` against a recount, so a national figure on a day is a sum over
    a few thousand rows instead of distinct counts over millions of memberships."""

    area = models.ForeignKey("core.Area", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16)
    # A model type's id, or 0 for "every type" (a distinct count that is not the types' sum).
    model_type = models.PositiveIntegerField(default=0)
    day = models.DateField()
    delta = models.IntegerField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["area", "code", "model_type", "day"], name="registry_stock_key")
        ]

    def __str__(self) -> str:
        return f"{self.code} @ {self.area_id} {self.day}: {self.delta:+d}"


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Education(models.TextChoices):
    NONE = "none", _("Chưa qua đào tạo")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
    UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")
    HIGHER = "higher", _("Trung cấp trở lên")


EDUCATION_RANK = {code: rank for rank, code in enumerate(Education.values)}


class Household(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    head = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("chủ hộ")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("thôn, tổ dân phố")
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hộ gia đình")

    def __str__(self) -> str:
        return self.address or str(self.uid)


class Person(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    search_name = models.CharField(max_length=300, editable=False, db_index=True)
    sort_name = models.CharField(max_length=sort_key_length(150), editable=False, db_index=True, default="")
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    # Sensitive (docs/domain.md): encrypted at rest, shown by role, each read audited.
    national_id = EncryptedTextField(_("số định danh cá nhân"))
    ethnicity = EncryptedTextField(_("dân tộc"))
    religion = EncryptedTextField(_("tôn giáo"))
    phone = EncryptedTextField(_("số điện thoại"))
    education = models.CharField(_("trình độ học vấn"), max_length=20, choices=Education.choices, blank=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi ở"))
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("hộ"),
    )
    resident_since = models.DateField(_("cư trú tại địa phương từ"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["sort_name"]
        verbose_name = _("người")
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["search_name", "birth_year"], name="registry_person_dup"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = normalize_search(self.full_name)
        self.sort_name = sort_key(self.full_name)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A person's place in a team, with role and dates; for the statutory force also the
    establishment decision, service history and support-tool certificate."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=40)
    start_on = models.DateField(_("từ ngày"))
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    former_force_start = models.DateField(_("vào lực lượng cũ"), null=True, blank=True)
    former_force_end = models.DateField(_("rời lực lượng cũ"), null=True, blank=True)
    certificate_number = models.CharField(_("số giấy chứng nhận CCHT"), max_length=60, blank=True)
    age_exception = models.BooleanField(_("ngoại lệ về tuổi"), default=False)
    no_pending_prosecution = models.BooleanField(_("không đang bị truy cứu, không có án tích"), default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["team", "start_on", "id"]
        verbose_name = _("thành viên")

    def __str__(self) -> str:
        return f"{self.person_id} in {self.team_id} as {self.role}"


class TeamHousehold(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_households")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="team_links")
    start_on = models.DateField(_("từ ngày"))
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["team", "household", "start_on"], name="registry_teamhousehold_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} in {self.team_id}"


class Commitment(models.Model):
    """A household's signed commitment (cam kết) to a programme at its village."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="commitments")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("chương trình, mô hình")
    )
    signed_on = models.DateField(_("ngày ký"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["household", "team", "signed_on"], name="registry_commitment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.team_id} {self.signed_on}"


class Training(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="trainings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("ngày"))
    topic = models.CharField(_("nội dung"), max_length=300)
    attendee_count = models.PositiveIntegerField(_("số người dự"), default=0)
    attendees = models.ManyToManyField(Person, blank=True, related_name="trainings")

    def __str__(self) -> str:
        return f"{self.topic} {self.held_on}"


class CommendationLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE_POLICE = "province_police", _("Công an tỉnh")
    PROVINCE = "province", _("UBND tỉnh")
    MINISTRY = "ministry", _("Bộ Công an")
    GOVERNMENT = "government", _("Thủ tướng, Chủ tịch nước")


class Commendation(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="commendations"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="commendations"
    )
    awarded_on = models.DateField(_("ngày"))
    level = models.CharField(_("cấp khen"), max_length=30, choices=CommendationLevel.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    reason = models.CharField(_("thành tích"), max_length=300, blank=True)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(team__isnull=False),
                name="registry_commendation_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.awarded_on}"


class ForceSettings(models.Model):
    """A province's thresholds and allowances for the statutory Tổ bảo vệ ANTT (Law 30/2023)."""

    province = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")
    min_age = models.PositiveSmallIntegerField(_("tuổi tối thiểu"), default=18)
    max_age = models.PositiveSmallIntegerField(_("tuổi tối đa"), default=70)
    min_residence_months = models.PositiveSmallIntegerField(
        _("thời gian cư trú tối thiểu (tháng)"), default=12
    )
    education_min = models.CharField(
        _("học vấn tối thiểu"), max_length=20, choices=Education.choices, default=Education.LOWER_SECONDARY
    )
    # Mountain, border and ethnic-minority communes accept primary education (docs/domain.md).
    education_min_difficult = models.CharField(
        _("học vấn tối thiểu ở vùng khó khăn"),
        max_length=20,
        choices=Education.choices,
        default=Education.PRIMARY,
    )
    difficult_communes = models.ManyToManyField(Area, blank=True, related_name="+")
    allowance_leader = models.DecimalField(
        _("phụ cấp tổ trưởng (đồng/tháng)"), max_digits=14, decimal_places=0, default=0
    )
    allowance_deputy = models.DecimalField(
        _("phụ cấp tổ phó (đồng/tháng)"), max_digits=14, decimal_places=0, default=0
    )
    allowance_member = models.DecimalField(
        _("phụ cấp tổ viên (đồng/tháng)"), max_digits=14, decimal_places=0, default=0
    )
    team_size_max = models.PositiveSmallIntegerField(_("số người tối đa mỗi tổ"), default=3)

    def __str__(self) -> str:
        return f"Force settings of {self.province_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang xử lý")
    DONE = "done", _("Đã nhập")
    CHECKED = "checked", _("Đã kiểm tra, không ghi")
    REFUSED = "refused", _("Bị từ chối")
    FAILED = "failed", _("Lỗi hệ thống")


class ImportJob(models.Model):
    """A workbook uploaded for import, run by the background worker (large files take a while).

    The uploaded file is kept only until the job has run: it holds personal data, and the
    result (counts, errors) is all the page needs afterwards.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("tệp"), max_length=200)
    data = models.BinaryField(blank=True, default=b"")
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    # Runs started: a run whose worker died is retried once (core/jobs.py), then failed.
    attempts = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)  # why it failed, for the uploader
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        verbose_name = _("lượt nhập sổ theo dõi")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)
