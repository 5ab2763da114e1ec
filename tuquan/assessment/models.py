"""The yearly assessment: versioned criteria sets, registered units, assessment rounds
(proposed by the commune, approved by the province, locked until reopened), hotspot areas
with their transformation plans, and the statutory team's yearly rating."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.models import Area
from tuquan.core.text import sort_key, sort_key_length
from tuquan.registry.models import CommendationLevel


class SubjectKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Khu dân cư (thôn, tổ dân phố)")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    AGENCY = "agency", _("Cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Cơ sở giáo dục")
    RURAL = "rural", _("Tiêu chí 19.2 nông thôn mới")


UNIT_KINDS = (SubjectKind.AGENCY, SubjectKind.ENTERPRISE, SubjectKind.SCHOOL)


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ACTIVE = "active", _("Đang áp dụng")
    RETIRED = "retired", _("Hết hiệu lực")


class CriteriaSet(models.Model):
    """One version of a set of criteria for one kind of subject. A version in use by a round
    is never edited: the province administrator adds the next version (`supersedes`)."""

    code = models.SlugField(_("mã bộ tiêu chí"), max_length=60)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ"), max_length=200)
    subject_kind = models.CharField(_("đối tượng"), max_length=20, choices=SubjectKind.choices)
    province = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=SetStatus.choices, default=SetStatus.DRAFT
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("thay thế")
    )
    # The assessment window ends on (window_end_month, window_end_day) of the round's year and
    # starts the day after the same date a year earlier (01/11 – 31/10 for residential areas).
    window_end_month = models.PositiveSmallIntegerField(_("tháng kết thúc kỳ"), default=10)
    window_end_day = models.PositiveSmallIntegerField(_("ngày kết thúc kỳ"), default=31)
    # Files are due before (deadline_month, deadline_day) of the round's year.
    deadline_month = models.PositiveSmallIntegerField(_("tháng hạn nộp hồ sơ"), default=11)
    deadline_day = models.PositiveSmallIntegerField(_("ngày hạn nộp hồ sơ"), default=30)
    grades = models.JSONField(_("xếp loại (nếu có)"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["subject_kind", "code", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["code", "version"], name="assessment_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class CheckKind(models.TextChoices):
    YES_NO = "yes_no", _("Đạt / không đạt")
    THRESHOLD = "threshold", _("Số liệu so với ngưỡng")
    DERIVED = "derived", _("Tính từ số liệu đã ghi")


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    code = models.SlugField(_("mã"), max_length=40)
    text = models.CharField(_("nội dung"), max_length=400)
    check_kind = models.CharField(
        _("cách kiểm"), max_length=10, choices=CheckKind.choices, default=CheckKind.YES_NO
    )
    # THRESHOLD: the value must be >= threshold (or <= when at_most); DERIVED: the indicator
    # code computed over the window for the subject's area, a ratio meeting the threshold.
    threshold = models.DecimalField(_("ngưỡng"), max_digits=12, decimal_places=4, null=True, blank=True)
    at_most = models.BooleanField(_("không vượt quá ngưỡng"), default=False)
    indicator = models.CharField(_("chỉ tiêu"), max_length=80, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["criteria_set", "order", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="assessment_criterion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class Unit(models.Model):
    """An agency, enterprise or school registered under a commune so it can be assessed."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã"))
    kind = models.CharField(_("loại"), max_length=20, choices=[(k.value, k.label) for k in UNIT_KINDS])
    name = models.CharField(_("tên"), max_length=200)
    # Vietnamese dictionary order of `name` as plain text order (core.text.sort_key).
    sort_name = models.CharField(max_length=sort_key_length(200), editable=False, default="")
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    active = models.BooleanField(_("còn hoạt động"), default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["commune", "kind", "sort_name"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["commune", "kind", "sort_name"], name="assessment_unit_listed"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_name = sort_key(self.name)
        super().save(*args, **kwargs)


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập")
    PROPOSED = "proposed", _("Xã đã đề nghị")
    RETURNED = "returned", _("Trả lại")
    APPROVED = "approved", _("Đã phê duyệt")
    REOPENED = "reopened", _("Mở lại")


class Round(models.Model):
    """A commune's assessment for one criteria set and year: one result per subject."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="rounds")
    commune = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã"))
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    note = models.CharField(_("lý do trả lại, mở lại"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-year", "commune", "criteria_set"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["criteria_set", "commune", "year"], name="assessment_round_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set} {self.commune_id} {self.year}"

    @property
    def locked(self) -> bool:
        return self.status in (RoundStatus.PROPOSED, RoundStatus.APPROVED)


class Outcome(models.TextChoices):
    MET = "met", _("Đạt")
    NOT_MET = "not_met", _("Không đạt")


class Result(models.Model):
    """One subject's result in a round: a village or the commune itself (`area`), or a
    registered unit (`unit`)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="results")
    answers = models.JSONField(_("kết quả từng tiêu chí"), default=dict)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    grade = models.CharField(_("xếp loại"), max_length=40, blank=True)
    evidence = models.TextField(_("hồ sơ, minh chứng"), blank=True)
    # The commendation decided for a subject that met the standard: villages and units are
    # not people or teams, so it is kept here rather than as a registry Commendation.
    commendation_level = models.CharField(
        _("cấp khen"), max_length=30, choices=CommendationLevel.choices, blank=True
    )
    commendation_decision = models.CharField(_("số quyết định khen thưởng"), max_length=60, blank=True)
    commended_on = models.DateField(_("ngày khen thưởng"), null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["round", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(area__isnull=False, unit__isnull=True)
                | models.Q(area__isnull=True, unit__isnull=False),
                name="assessment_result_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.outcome}"


class HotspotStatus(models.TextChoices):
    DECLARED = "declared", _("Đang chuyển hóa")
    TRANSFORMED = "transformed", _("Đã chuyển hóa")


class Hotspot(models.Model):
    """A hotspot area (địa bàn trọng điểm, phức tạp về ANTT), followed until transformed."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn"))
    reason = models.CharField(_("lý do"), max_length=400)
    declared_on = models.DateField(_("ngày xác định"))
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    status = models.CharField(max_length=12, choices=HotspotStatus.choices, default=HotspotStatus.DECLARED)
    transformed_on = models.DateField(_("ngày công nhận chuyển hóa"), null=True, blank=True)
    transformed_decision = models.CharField(_("số quyết định công nhận"), max_length=60, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-declared_on", "id"]

    def __str__(self) -> str:
        return f"{self.area_id} {self.declared_on}"


class HotspotTask(models.Model):
    """One task of a hotspot's transformation plan."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="tasks")
    text = models.CharField(_("nhiệm vụ"), max_length=300)
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["hotspot", "due_on", "id"]

    def __str__(self) -> str:
        return self.text


class RatingLevel(models.TextChoices):
    EXCELLENT = "excellent", _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = "good", _("Hoàn thành tốt nhiệm vụ")
    DONE = "done", _("Hoàn thành nhiệm vụ")
    NOT_DONE = "not_done", _("Không hoàn thành nhiệm vụ")


RATING_RANK = {RatingLevel.EXCELLENT: 4, RatingLevel.GOOD: 3, RatingLevel.DONE: 2, RatingLevel.NOT_DONE: 1}


class RatingRules(models.Model):
    """A province's rules for the statutory team's yearly rating."""

    province = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")
    excellent_quota_percent = models.PositiveSmallIntegerField(_("tỷ lệ tối đa “xuất sắc” (%)"), default=20)
    min_active_months = models.PositiveSmallIntegerField(_("số tháng tối thiểu để được xếp loại"), default=9)

    def __str__(self) -> str:
        return f"{self.province_id}: {self.excellent_quota_percent}%"


class Rating(models.Model):
    """The yearly rating (period 15/11 of the year before to 14/11) of a statutory team
    (`membership` empty) or of one of its members. `level` empty: not rated, with the reason."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey("registry.Team", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(
        "registry.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("mức xếp loại"), max_length=12, choices=RatingLevel.choices, blank=True)
    not_rated_reason = models.CharField(_("lý do không xếp loại"), max_length=200, blank=True)
    under_complaint = models.BooleanField(_("đang có khiếu nại"), default=False)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    commendation = models.ForeignKey(
        "registry.Commendation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-year", "team", "membership"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["team", "year"],
                condition=models.Q(membership__isnull=True),
                name="assessment_team_rating",
            ),
            models.UniqueConstraint(
                fields=["membership", "year"],
                condition=models.Q(membership__isnull=False),
                name="assessment_member_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.membership_id} {self.year}: {self.level or '-'}"


class Grade(models.TextChoices):
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    WEAK = "weak", _("Yếu")


class GradingRules(models.Model):
    """A province's thresholds for grading the voluntary models' teams from their verified
    journal: verified activities a month on average, and months with any verified activity."""

    province = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="+")
    good_per_month = models.DecimalField(
        _("tốt: số hoạt động/tháng"), max_digits=5, decimal_places=2, default=4
    )
    good_months = models.PositiveSmallIntegerField(_("tốt: số tháng có hoạt động"), default=10)
    fair_per_month = models.DecimalField(
        _("khá: số hoạt động/tháng"), max_digits=5, decimal_places=2, default=2
    )
    fair_months = models.PositiveSmallIntegerField(_("khá: số tháng có hoạt động"), default=8)
    average_per_month = models.DecimalField(
        _("trung bình: số hoạt động/tháng"), max_digits=5, decimal_places=2, default=1
    )

    def __str__(self) -> str:
        return f"{self.province_id}"


class TeamGrade(models.Model):
    """A voluntary team's yearly grade: computed from its verified journal, confirmed or
    changed (with a note) by the officer; the reason is kept to be shown."""

    team = models.ForeignKey("registry.Team", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm"))
    computed = models.CharField(_("xếp loại theo nhật ký"), max_length=10, choices=Grade.choices)
    grade = models.CharField(_("xếp loại"), max_length=10, choices=Grade.choices)
    reason = models.CharField(_("căn cứ"), max_length=400)
    note = models.CharField(_("nhận xét của cán bộ"), max_length=300, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-year", "team"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["team", "year"], name="assessment_team_grade_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.year}: {self.grade}"
