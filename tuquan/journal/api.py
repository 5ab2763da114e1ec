"""The journal's JSON API: entries, their review and tip assessment, monthly approval,
period totals and the indicators.

Longer than 600 lines: four routers with their schemas; to be split by router (issue 23).

Thin like the views: parse, look the objects up through the scoped selectors (404 outside
the user's area), call one service (403 when not allowed, 422 when refused), answer. Areas
are given by their contract identifiers ("04099", "04099.1"), teams, people and entries by
uid, months as "2025-05" or any day of the month. Lists answer {"items": [...], "count": N}.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator

from tuquan.core import indicators, versioned
from tuquan.core.api import Page, area_of, area_or_none, page_of
from tuquan.core.models import Area, Level
from tuquan.journal import permissions, selectors, services
from tuquan.journal.models import (
    Aggregate,
    ApprovalStatus,
    Entry,
    EntryStatus,
    IncidentKind,
    MediationOutcome,
    PeriodKind,
    TipCategory,
)
from tuquan.registry import selectors as registry_selectors
from tuquan.registry.models import JOURNAL_KINDS

entries_router = Router(tags=["Nhật ký hoạt động"])
approvals_router = Router(tags=["Duyệt số liệu tháng"])
aggregates_router = Router(tags=["Số tổng hợp"])
indicators_router = Router(tags=["Chỉ tiêu"])

AREA_ID = 'Định danh địa bàn theo hợp đồng chung: xã "04099", thôn "04099.1"'
KIND_LABELS = dict(JOURNAL_KINDS)
KINDS = ", ".join(f'"{code}" ({label})' for code, label in JOURNAL_KINDS)


def _as_month(value: Any) -> Any:
    """ "2025-05" is the month of May 2025; a full date names its month."""
    if isinstance(value, str) and len(value) == 7:
        return f"{value}-01"
    return value


Month = Annotated[date, BeforeValidator(_as_month)]


def _refuse_unless(allowed: bool, message: str) -> None:
    """403 with the operation's own message; `allowed` is a permission's answer."""
    if not allowed:
        raise PermissionDenied(message)


def _last_month() -> date:
    return services.month_start(timezone.localdate().replace(day=1) - timedelta(days=1))


# --- entries -----------------------------------------------------------------------------


class ParticipantOut(Schema):
    uid: UUID
    full_name: str


class EntryOut(Schema):
    uid: UUID
    team: UUID
    team_name: str
    village_id: str
    village_name: str
    kind: str = Field(..., description=f"Loại hoạt động: {KINDS}")
    kind_label: str
    occurred_on: date
    participants: list[ParticipantOut] = Field(
        ..., description="Thành viên tham gia mà bạn được xem (cần quyền xem danh sách người)"
    )
    participant_count: int = Field(..., description="Số thành viên tham gia (kể cả người bạn không được xem)")
    other_participants: int
    # patrol
    started_at: datetime | None
    ended_at: datetime | None
    member_turns: int | None
    # awareness session
    attendance_persons: int | None
    attendance_households: int | None
    # mediation
    subject: str
    parties: int | None
    outcome: str
    # tip
    tip_category: str
    tip_valuable: bool | None = Field(..., description="Đánh giá của cán bộ: null khi chưa đánh giá")
    # arrest
    cases: int | None
    suspects: int | None
    offence: str
    # items handed in
    homemade_guns: int | None
    guns: int | None
    bullets: int | None
    explosives: int | None
    knives: int | None
    other_items: int | None
    # incident, poppy, migration
    incident_kind: str
    poppy_m2: float | None
    migration_cases: int | None
    extra: dict[str, float]
    note: str
    status: str = Field(
        ..., description='"submitted" chờ kiểm tra, "verified" đã kiểm tra, "returned" trả lại'
    )
    review_comment: str
    reviewed_at: datetime | None
    created_at: datetime
    month_status: str | None = Field(
        ..., description='Tháng của thôn: "approved", "accepted", "reopened" hoặc null (chưa duyệt)'
    )
    locked: bool = Field(..., description="Tháng đã được duyệt: không sửa được cho đến khi mở lại")

    @staticmethod
    def of(e: Entry) -> EntryOut:
        """`e` comes from `selectors.entry_list` (participants prefetched, approval annotated)."""
        month_status = getattr(e, "month_status", None)
        return EntryOut(
            uid=e.uid,
            team=e.team.uid,
            team_name=e.team.name,
            village_id=e.village.ident,
            village_name=e.village.name,
            kind=e.kind,
            kind_label=str(KIND_LABELS.get(e.kind, e.kind)),
            occurred_on=e.occurred_on,
            participants=[
                ParticipantOut(uid=p.uid, full_name=p.full_name)
                for p in getattr(e, "visible_participants", [])
            ],
            participant_count=getattr(e, "participant_count", 0),
            other_participants=e.other_participants,
            started_at=e.started_at,
            ended_at=e.ended_at,
            member_turns=e.member_turns,
            attendance_persons=e.attendance_persons,
            attendance_households=e.attendance_households,
            subject=e.subject,
            parties=e.parties,
            outcome=e.outcome,
            tip_category=e.tip_category,
            tip_valuable=e.tip_valuable,
            cases=e.cases,
            suspects=e.suspects,
            offence=e.offence,
            homemade_guns=e.homemade_guns,
            guns=e.guns,
            bullets=e.bullets,
            explosives=e.explosives,
            knives=e.knives,
            other_items=e.other_items,
            incident_kind=e.incident_kind,
            poppy_m2=float(e.poppy_m2) if e.poppy_m2 is not None else None,
            migration_cases=e.migration_cases,
            extra=e.extra or {},
            note=e.note,
            status=e.status,
            review_comment=e.review_comment,
            reviewed_at=e.reviewed_at,
            created_at=e.created_at,
            month_status=month_status,
            locked=month_status in (ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED),
        )


class EntryList(Schema):
    items: list[EntryOut]
    count: int


class EntryFilter(Page):
    team: UUID | None = Field(None, description="uid của tổ")
    area: str = Field("", description=f"{AREA_ID}: hoạt động ở địa bàn này")
    kind: str = Field("", description=f"Loại hoạt động: {KINDS}")
    status: EntryStatus | None = None
    start: date | None = Field(None, alias="from", description="Từ ngày (tính cả ngày này)")
    end: date | None = Field(None, alias="to", description="Đến ngày (tính cả ngày này)")


class KindFields(Schema):
    """The fields of each kind of entry; a field of another kind is refused."""

    started_at: datetime | None = Field(None, description="Tuần tra: giờ bắt đầu")
    ended_at: datetime | None = Field(None, description="Tuần tra: giờ kết thúc")
    member_turns: int | None = Field(None, ge=0, description="Tuần tra: lượt người (bắt buộc)")
    attendance_persons: int | None = Field(None, ge=0, description="Tuyên truyền: số người dự (bắt buộc)")
    attendance_households: int | None = Field(None, ge=0, description="Tuyên truyền: số hộ dự")
    subject: str | None = Field(None, max_length=300, description="Hoà giải: nội dung")
    parties: int | None = Field(None, ge=0, description="Hoà giải: số bên")
    outcome: MediationOutcome | None = Field(None, description="Hoà giải: kết quả (bắt buộc)")
    tip_category: TipCategory | None = Field(None, description="Cung cấp thông tin: loại (bắt buộc)")
    cases: int | None = Field(None, ge=0, description="Giúp bắt giữ: số vụ (bắt buộc)")
    suspects: int | None = Field(None, ge=0, description="Giúp bắt giữ: số đối tượng")
    offence: str | None = Field(None, max_length=200, description="Giúp bắt giữ: hành vi")
    homemade_guns: int | None = Field(None, ge=0, description="Giao nộp: súng tự chế")
    guns: int | None = Field(None, ge=0, description="Giao nộp: súng")
    bullets: int | None = Field(None, ge=0, description="Giao nộp: đạn")
    explosives: int | None = Field(None, ge=0, description="Giao nộp: vật liệu nổ")
    knives: int | None = Field(None, ge=0, description="Giao nộp: dao, kiếm")
    other_items: int | None = Field(None, ge=0, description="Giao nộp: vật khác")
    incident_kind: IncidentKind | None = Field(None, description="Xử lý sự việc: loại (bắt buộc)")
    poppy_m2: Decimal | None = Field(None, description="Phá cây thuốc phiện: diện tích (m²)")
    migration_cases: int | None = Field(None, ge=0, description="Ngăn di cư tự do: số trường hợp")


# Text fields are blank, not null, in the table.
TEXT_FIELDS = {"subject", "outcome", "tip_category", "offence", "incident_kind"}
KIND_FIELD_NAMES = set(KindFields.model_fields)


class EntryIn(KindFields):
    team: UUID = Field(..., description="uid của tổ")
    village_id: str = Field(..., description=f"{AREA_ID}: thôn nơi hoạt động")
    kind: str = Field(..., description=f"Loại hoạt động (theo loại mô hình của tổ): {KINDS}")
    occurred_on: date
    participants: list[UUID] = Field([], description="uid của các thành viên tham gia")
    other_participants: int = Field(0, ge=0, description="Số người khác tham gia")
    extra: dict[str, float] = Field({}, description="Chỉ tiêu riêng của loại mô hình: mã → số")
    note: str = ""
    confirm: bool = Field(False, description="Xác nhận số liệu cao bất thường")


class EntryPatch(KindFields):
    """Only the fields sent are changed; `participants` replaces the list."""

    village_id: str | None = Field(None, description=AREA_ID)
    occurred_on: date | None = None
    participants: list[UUID] | None = None
    other_participants: int | None = Field(None, ge=0)
    extra: dict[str, float] | None = None
    note: str | None = None
    confirm: bool = False


class ReviewIn(Schema):
    verdict: Literal["verified", "returned"] = Field(
        ..., description='"verified" đã kiểm tra, "returned" trả lại'
    )
    comment: str = Field("", max_length=300, description="Bắt buộc khi trả lại")


class AssessmentIn(Schema):
    valuable: bool = Field(..., description="Thông tin có giá trị hay không")


def _entry_out(request: HttpRequest, entry: Entry) -> EntryOut:
    return EntryOut.of(selectors.entry_list(request.user).get(pk=entry.pk))


def _kind_values(fields: dict[str, Any], kind: str) -> dict[str, Any]:
    """The kind's fields as the table keeps them; a field of another kind is refused, so a
    client never loses a figure silently."""
    if kind not in services.KIND_FIELDS:
        return {}  # the service refuses the kind itself
    allowed = set(services.KIND_FIELDS[kind])
    values: dict[str, Any] = {}
    stray: dict[str, list[str]] = {}
    for name in sorted(KIND_FIELD_NAMES & set(fields)):
        value = fields[name]
        if name in TEXT_FIELDS and value is None:
            value = ""
        if isinstance(value, datetime):
            # As the database gives it back (UTC), so the answer to a write shows what a read shows.
            value = (timezone.make_aware(value) if timezone.is_naive(value) else value).astimezone(UTC)
        if name in allowed:
            values[name] = value
        elif value not in (None, ""):
            stray[name] = [_("Không thuộc loại hoạt động “%(k)s”.") % {"k": KIND_LABELS[kind]}]
    if stray:
        raise ValidationError(stray)
    return values


@entries_router.get("", response=EntryList, summary="Nhật ký hoạt động trong địa bàn của bạn")
def entry_list(request: HttpRequest, filters: Query[EntryFilter]) -> dict[str, Any]:
    team = registry_selectors.team_get_for_user(request.user, filters.team) if filters.team else None
    qs = selectors.entry_list(
        request.user,
        team=team,
        area=area_or_none(request, filters.area),
        kind=filters.kind,
        status=filters.status or "",
        start=filters.start,
        end=filters.end,
    )
    return page_of(qs, filters, EntryOut.of)


@entries_router.get("/{uid}", response=EntryOut, summary="Một hoạt động")
def entry_get(request: HttpRequest, uid: UUID) -> EntryOut:
    return _entry_out(request, selectors.entry_get_for_user(request.user, uid))


@entries_router.post(
    "", response={201: EntryOut}, summary="Ghi một hoạt động (tổ trưởng, cán bộ xã của thôn)"
)
def entry_create(request: HttpRequest, payload: EntryIn) -> Status[EntryOut]:
    team = registry_selectors.team_get_for_user(request.user, payload.team)
    village = area_of(request, payload.village_id)
    participants = selectors.participants_for(request.user, payload.participants)
    entry = services.entry_record(
        actor=request.user,
        team=team,
        village=village,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        participants=participants,
        other_participants=payload.other_participants,
        confirm=payload.confirm,
        extra=payload.extra,
        note=payload.note,
        **_kind_values(payload.model_dump(), payload.kind),
    )
    # Answered from what was written, as `_entry_out` would read it back (two queries and
    # a third of the write's time): the team and village just looked up, the participants
    # named (each one the asker may see: `participants_for`), the month's state from the
    # service (`month_status`).
    entry.visible_participants = participants  # type: ignore[attr-defined]
    entry.participant_count = len(participants)  # type: ignore[attr-defined]
    return Status(201, EntryOut.of(entry))


@entries_router.patch(
    "/{uid}", response=EntryOut, summary="Sửa một hoạt động (không sửa được khi tháng đã duyệt)"
)
def entry_update(request: HttpRequest, uid: UUID, payload: EntryPatch) -> EntryOut:
    entry = selectors.entry_get_for_user(request.user, uid, write=True)
    sent = payload.model_dump(exclude_unset=True)
    fields = _kind_values(sent, entry.kind)
    if "village_id" in sent:
        if sent["village_id"] is None:
            raise ValidationError({"village_id": [_("Cần nhập.")]})
        fields["village"] = area_of(request, sent["village_id"])
    # A null date or count is refused by the service; a null note or extra clears it.
    for name, blank in (("occurred_on", None), ("other_participants", None), ("extra", {}), ("note", "")):
        if name in sent:
            fields[name] = blank if sent[name] is None else sent[name]
    wanted = sent.get("participants")
    participants = selectors.participants_for(request.user, wanted) if wanted is not None else None
    services.entry_update(
        actor=request.user, entry=entry, participants=participants, confirm=payload.confirm, **fields
    )
    return _entry_out(request, entry)


@entries_router.delete(
    "/{uid}",
    response={204: None},
    summary="Xoá một hoạt động ghi nhầm, có lý do (khi tháng chưa duyệt; đã kiểm tra thì chỉ cán bộ xã)",
)
def entry_delete(request: HttpRequest, uid: UUID, reason: str = "") -> Status:
    entry = selectors.entry_get_for_user(request.user, uid, write=True)
    services.entry_delete(actor=request.user, entry=entry, reason=reason)
    return Status(204, None)


@entries_router.post(
    "/{uid}/review", response=EntryOut, summary="Kiểm tra hoạt động: xác nhận hoặc trả lại (cán bộ xã)"
)
def entry_review(request: HttpRequest, uid: UUID, payload: ReviewIn) -> EntryOut:
    entry = selectors.entry_get_for_user(request.user, uid)
    services.entry_review(actor=request.user, entry=entry, verdict=payload.verdict, comment=payload.comment)
    return _entry_out(request, entry)


@entries_router.post(
    "/{uid}/assessment",
    response=EntryOut,
    summary="Đánh giá thông tin cung cấp cho công an có giá trị hay không (cán bộ xã)",
)
def entry_assess(request: HttpRequest, uid: UUID, payload: AssessmentIn) -> EntryOut:
    entry = selectors.entry_get_for_user(request.user, uid)
    _refuse_unless(permissions.can_review_entry(request.user, entry), _("Chỉ cán bộ xã đánh giá thông tin."))
    services.tip_assess(actor=request.user, entry=entry, valuable=payload.valuable)
    return _entry_out(request, entry)


# --- monthly approval ----------------------------------------------------------------------


class ApprovalOut(Schema):
    village_id: str
    village_name: str
    commune_id: str
    month: date = Field(..., description="Ngày đầu tháng")
    status: str | None = Field(
        ...,
        description='"approved" xã đã duyệt, "accepted" tỉnh đã chấp nhận, "reopened" đã mở lại, null chưa duyệt',
    )
    locked: bool = Field(..., description="Số liệu tháng bị khoá (đã duyệt hoặc đã chấp nhận)")
    approved_by: str | None
    approved_at: datetime | None
    accepted_by: str | None
    accepted_at: datetime | None
    reopen_reason: str
    pending: int = Field(..., description="Số hoạt động của tháng chưa được kiểm tra")

    @staticmethod
    def of(v: Area, month: date) -> ApprovalOut:
        """`v` comes from `selectors.village_approvals` (approval state annotated)."""
        status = getattr(v, "approval_status", None)
        return ApprovalOut(
            village_id=v.ident,
            village_name=v.name,
            commune_id=v.parent.ident if v.parent_id and v.parent else "",
            month=services.month_start(month),
            status=status,
            locked=status in (ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED),
            approved_by=getattr(v, "approved_by_name", None),
            approved_at=getattr(v, "approved_at", None),
            accepted_by=getattr(v, "accepted_by_name", None),
            accepted_at=getattr(v, "accepted_at", None),
            reopen_reason=getattr(v, "reopen_reason", None) or "",
            pending=getattr(v, "pending", 0),
        )


class ApprovalList(Schema):
    items: list[ApprovalOut]
    count: int


class ApprovalFilter(Page):
    area: str = Field(..., description=f"{AREA_ID}, hoặc tỉnh: các thôn của địa bàn này")
    month: Month | None = Field(None, description='Tháng: "2025-05"; bỏ trống: tháng trước')


class ApprovalIn(Schema):
    village_id: str = Field(..., description=f"{AREA_ID}: thôn")
    month: Month = Field(..., description='Tháng: "2025-05"')
    action: Literal["approve", "accept", "reopen"] = Field(
        ...,
        description='"approve" xã duyệt (khoá tháng), "accept" tỉnh chấp nhận, "reopen" cấp đã duyệt mở lại',
    )
    reason: str = Field("", max_length=300, description="Lý do mở lại (bắt buộc khi mở lại)")


# Approving is the commune's, accepting the province's; reopening belongs to whoever approved
# last (the service checks which).
ACTION_PERMISSIONS = {
    "approve": permissions.can_approve_month,
    "accept": permissions.can_accept_month,
    "reopen": permissions.can_decide_months,
}


@approvals_router.get(
    "", response=ApprovalList, summary="Tình trạng duyệt số liệu tháng của các thôn (cán bộ xã, tỉnh)"
)
def approval_list(request: HttpRequest, filters: Query[ApprovalFilter]) -> dict[str, Any]:
    area = area_of(request, filters.area)
    _refuse_unless(
        permissions.can_decide_months(request.user, area),
        _("Chỉ cán bộ xã và tỉnh xem tình trạng duyệt số liệu."),
    )
    month = filters.month or _last_month()
    qs = selectors.village_approvals(request.user, area, month)
    return page_of(qs, filters, lambda v: ApprovalOut.of(v, month))


@approvals_router.post(
    "", response=ApprovalOut, summary="Duyệt, chấp nhận hoặc mở lại số liệu tháng của một thôn"
)
def approval_act(request: HttpRequest, payload: ApprovalIn) -> ApprovalOut:
    village = area_of(request, payload.village_id)
    _refuse_unless(
        ACTION_PERMISSIONS[payload.action](request.user, village), _("Bạn không duyệt số liệu của thôn này.")
    )
    if village.level != Level.VILLAGE:
        raise ValidationError({"village_id": [_("Chọn một thôn, tổ dân phố.")]})
    if payload.action == "approve":
        services.month_approve(actor=request.user, village=village, month=payload.month)
    elif payload.action == "accept":
        services.month_accept(actor=request.user, village=village, month=payload.month)
    else:
        services.month_reopen(actor=request.user, village=village, month=payload.month, reason=payload.reason)
    row = selectors.village_approvals(request.user, village, payload.month).get(pk=village.pk)
    return ApprovalOut.of(row, payload.month)


# --- aggregates ----------------------------------------------------------------------------


class AggregateOut(Schema):
    uid: UUID
    area_id: str
    area_name: str
    indicator: str
    period_kind: str
    period_start: date
    period_end: date
    value: float
    note: str
    entered_at: datetime

    @staticmethod
    def of(a: Aggregate) -> AggregateOut:
        return AggregateOut(
            uid=a.uid,
            area_id=a.area.ident,
            area_name=a.area.name,
            indicator=a.indicator,
            period_kind=a.period_kind,
            period_start=a.period_start,
            period_end=a.period_end,
            value=float(a.value),
            note=a.note,
            entered_at=a.entered_at,
        )


class AggregateList(Schema):
    items: list[AggregateOut]
    count: int


class AggregateFilter(Page):
    area: str = Field(..., description=f"{AREA_ID}, hoặc tỉnh")
    indicator: str = Field("", description='Mã chỉ tiêu: "patrols.count"…')


class AggregateIn(Schema):
    area_id: str = Field(..., description=f"{AREA_ID}, hoặc tỉnh")
    indicator: str = Field(..., description='Mã chỉ tiêu (docs/indicators.md): "patrols.count"…')
    period_kind: PeriodKind = Field(..., description='"month", "quarter" hoặc "year"')
    period_start: date = Field(..., description="Một ngày trong kỳ (kỳ phải đã kết thúc)")
    value: Decimal = Field(..., description="Giá trị tổng trong kỳ")
    note: str = Field("", max_length=300, description="Nguồn số liệu")


@aggregates_router.get("", response=AggregateList, summary="Số tổng hợp nhập tay của một địa bàn")
def aggregate_list(request: HttpRequest, filters: Query[AggregateFilter]) -> dict[str, Any]:
    area = area_of(request, filters.area)
    _refuse_unless(
        permissions.can_enter_totals(request.user, area), _("Bạn không nhập số tổng hợp cho địa bàn này.")
    )
    qs = selectors.aggregate_list(request.user, area, indicator=filters.indicator)
    return page_of(qs, filters, AggregateOut.of)


@aggregates_router.post(
    "", response={201: AggregateOut}, summary="Nhập số tổng hợp của một kỳ (năm trước khi có hệ thống)"
)
def aggregate_create(request: HttpRequest, payload: AggregateIn) -> Status[AggregateOut]:
    area = area_of(request, payload.area_id)
    aggregate = services.aggregate_record(
        actor=request.user,
        area=area,
        indicator=payload.indicator,
        period_kind=payload.period_kind,
        period_start=payload.period_start,
        value=payload.value,
        note=payload.note,
    )
    return Status(201, AggregateOut.of(aggregate))


# --- indicators ----------------------------------------------------------------------------


class IndicatorArea(Schema):
    id: str
    name: str


class IndicatorsOut(Schema):
    """The JSON contract of docs/indicators.md, as `tuquan indicators --format json` prints it."""

    area: IndicatorArea
    start: date = Field(..., alias="from")
    end: date = Field(..., alias="to")
    indicators: dict[str, Any] = Field(
        ...,
        description="Mã chỉ tiêu → số nguyên, chuỗi tiền VND, tỉ lệ {numerator, denominator, ratio} hoặc phân tổ",
    )
    notes: dict[str, str] = Field(..., description="Nguồn của từng số liệu, điều còn thiếu")


class IndicatorFilter(Schema):
    area: str = Field(..., description=f"{AREA_ID}, hoặc tỉnh")
    start: date = Field(..., alias="from", description="Đầu kỳ (tính cả ngày này)")
    end: date = Field(..., alias="to", description="Cuối kỳ (tính cả ngày này)")
    approved_only: bool = Field(False, description="Chỉ tính số liệu các tháng đã được duyệt")
    codes: str | None = Field(
        None, description="Chỉ các mã chỉ tiêu này, cách nhau bởi dấu phẩy (mặc định: mọi chỉ tiêu)"
    )


@indicators_router.get(
    "",
    response=IndicatorsOut,
    by_alias=True,
    summary="Mọi chỉ tiêu của một địa bàn trong một kỳ, trong phạm vi bạn được xem",
)
def indicator_values(request: HttpRequest, filters: Query[IndicatorFilter]) -> dict[str, Any]:
    def make() -> dict[str, Any]:
        area = area_of(request, filters.area)
        if filters.end < filters.start:
            raise ValidationError({"to": [_("Ngày cuối kỳ trước ngày đầu kỳ.")]})
        try:
            return indicators.compute(
                actor=request.user,
                area=area,
                start=filters.start,
                end=filters.end,
                approved_only=filters.approved_only,
                codes=filters.codes.split(",") if filters.codes is not None else None,
            )
        except indicators.UnknownIndicator as exc:
            raise ValidationError({"codes": [str(exc)]}) from exc

    # Kept until the next write (core/versioned.py): the asker's grants and area are read
    # again only then, since nothing they depend on can have changed before.
    asked = (filters.area, filters.start, filters.end, filters.approved_only, filters.codes)
    return versioned.kept("indicators", (request.user.pk, *asked, get_language(), timezone.localdate()), make)
