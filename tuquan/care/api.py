"""Supervised persons and team funds over JSON, scoped like the pages: a person answers
404 outside the circle (the province included), a fund 404 outside the team's readers and
403 to a reader who does not keep it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from tuquan.care import io, selectors, services
from tuquan.care.models import CheckIn, FundEntry, Referral, SupervisedPerson
from tuquan.care.permissions import can_take_in_person
from tuquan.registry.models import Household

supervised_router = Router(tags=["Người được giúp đỡ"])
funds_router = Router(tags=["Quỹ tổ"])


class SupervisedPersonOut(Schema):
    uid: UUID
    ref: str
    category: str
    area_id: str
    full_name: str
    start_on: date
    planned_end_on: date | None
    closed_on: date | None
    team: UUID | None
    job_found_on: date | None
    loan_on: date | None
    loan_amount: str | None
    family_support: bool
    income_band: str
    reoffended_on: date | None

    @staticmethod
    def of(p: SupervisedPerson) -> SupervisedPersonOut:
        return SupervisedPersonOut(
            uid=p.uid,
            ref=p.ref,
            category=p.category,
            area_id=p.area.ident,
            full_name=p.full_name,
            start_on=p.start_on,
            planned_end_on=p.planned_end_on,
            closed_on=p.closed_on,
            team=p.team.uid if p.team_id and p.team else None,
            job_found_on=p.job_found_on,
            loan_on=p.loan_on,
            loan_amount=str(p.loan_amount) if p.loan_amount is not None else None,
            family_support=p.family_support,
            income_band=p.income_band,
            reoffended_on=p.reoffended_on,
        )


class CheckInOut(Schema):
    occurred_on: date
    note: str

    @staticmethod
    def of(c: CheckIn) -> CheckInOut:
        return CheckInOut(occurred_on=c.occurred_on, note=c.note)


class ReferralOut(Schema):
    uid: UUID
    organisation: str
    referred_on: date
    need: str
    status: str
    outcome: str
    outcome_on: date | None

    @staticmethod
    def of(r: Referral) -> ReferralOut:
        return ReferralOut(
            uid=r.uid,
            organisation=r.organisation,
            referred_on=r.referred_on,
            need=r.need,
            status=r.status,
            outcome=r.outcome,
            outcome_on=r.outcome_on,
        )


class ReferralIn(Schema):
    organisation: str
    referred_on: date
    need: str = ""
    status: str = "pending"
    outcome: str = ""
    outcome_on: date | None = None


class ReferralPatch(Schema):
    organisation: str | None = None
    referred_on: date | None = None
    need: str | None = None
    status: str | None = None
    outcome: str | None = None
    outcome_on: date | None = None


class PersonDetail(SupervisedPersonOut):
    checkins: list[CheckInOut]
    referrals: list[ReferralOut]


class ImportError_(Schema):
    sheet: str
    row: int
    column: str
    message: str


class ImportResult(Schema):
    sheets: dict[str, dict[str, int]]


class ImportRefused(Schema):
    detail: str
    errors: list[ImportError_]


class SupervisedPersonList(Schema):
    items: list[SupervisedPersonOut]
    count: int
    counts: dict[str, int]


class CheckInIn(Schema):
    occurred_on: date
    note: str = ""


@supervised_router.get(
    "", response=SupervisedPersonList, summary="Người được giúp đỡ (người được giao) và số liệu"
)
def person_list(request: HttpRequest) -> dict[str, Any]:
    rows = selectors.person_list(request.user)
    return {
        "items": [SupervisedPersonOut.of(p) for p in rows],
        "count": len(rows),
        "counts": selectors.person_counts(request.user),
    }


@supervised_router.post(
    "/import",
    response={200: ImportResult, 422: ImportRefused},
    summary="Nhập người được giúp đỡ từ tệp Excel (cán bộ Công an xã; có lỗi thì không ghi gì)",
)
def person_import(request: HttpRequest, file: UploadedFile | None = File(None)) -> Any:  # noqa: B008
    if not can_take_in_person(request.user):
        raise PermissionDenied(io.IMPORT_REFUSED)
    if file is None:
        return Status(422, {"detail": _("Hãy gửi tệp Excel (.xlsx) ở trường “file”."), "errors": []})
    try:
        counts = io.person_import(actor=request.user, data=file.read())
    except io.WorkbookErrors as exc:
        return Status(
            422,
            {"detail": _("Tệp có lỗi, không có gì được ghi."), "errors": [e.as_dict() for e in exc.errors]},
        )
    return {"sheets": {title: vars(c) for title, c in counts.items()}}


@supervised_router.get(
    "/{uid}", response=PersonDetail, summary="Một người, với các lần gặp (ghi nhật ký đọc)"
)
def person_get(request: HttpRequest, uid: UUID) -> PersonDetail:
    person = selectors.person_get_for_user(request.user, uid)
    identity = selectors.person_read(request.user, person)
    base = SupervisedPersonOut.of(person).dict()
    return PersonDetail(
        **base,
        checkins=[CheckInOut.of(c) for c in identity["checkins"]],
        referrals=[ReferralOut.of(r) for r in identity["referrals"]],
    )


@supervised_router.post(
    "/{uid}/referrals", response={201: ReferralOut}, summary="Giới thiệu đến một tổ chức (cán bộ Công an xã)"
)
def referral_create(request: HttpRequest, uid: UUID, payload: ReferralIn) -> Status[ReferralOut]:
    person = selectors.person_get_for_user(request.user, uid, officer=True)
    referral = services.referral_create(actor=request.user, person=person, **payload.dict())
    return Status(201, ReferralOut.of(referral))


@supervised_router.patch(
    "/{uid}/referrals/{referral}",
    response=ReferralOut,
    summary="Cập nhật tình trạng, kết quả của một lần giới thiệu (cán bộ Công an xã)",
)
def referral_update(request: HttpRequest, uid: UUID, referral: UUID, payload: ReferralPatch) -> ReferralOut:
    obj = selectors.referral_get_for_user(request.user, uid, referral, officer=True)
    changes = payload.dict(exclude_unset=True)
    for field in ("organisation", "referred_on", "status"):
        if changes.get(field, "") is None:
            del changes[field]
    obj = services.referral_update(actor=request.user, referral=obj, **changes)
    return ReferralOut.of(obj)


@supervised_router.post("/{uid}/checkins", response={201: CheckInOut}, summary="Ghi một lần gặp")
def person_checkin(request: HttpRequest, uid: UUID, payload: CheckInIn) -> Status[CheckInOut]:
    person = selectors.person_get_for_user(request.user, uid)
    checkin = services.supervised_checkin(
        actor=request.user, person=person, occurred_on=payload.occurred_on, note=payload.note
    )
    return Status(201, CheckInOut.of(checkin))


class FundEntryOut(Schema):
    uid: UUID
    kind: str
    occurred_on: date
    amount: str
    balance: str
    household: UUID | None
    purpose: str
    approved_by: str
    corrects: UUID | None
    recorded_by: str
    closed: bool

    @staticmethod
    def of(row: selectors.LedgerRow) -> FundEntryOut:
        e: FundEntry = row.entry
        return FundEntryOut(
            uid=e.uid,
            kind=e.kind,
            occurred_on=e.occurred_on,
            amount=str(e.amount),
            balance=str(row.balance),
            household=e.household.uid if e.household_id and e.household else None,
            purpose=e.purpose,
            approved_by=e.approved_by,
            corrects=e.corrects.uid if e.corrects_id and e.corrects else None,
            recorded_by=e.recorded_by_name,
            closed=row.closed,
        )


class Ledger(Schema):
    team: UUID
    balance: str
    contributions: str
    expenses: str
    entries: list[FundEntryOut]


class FundEntryIn(Schema):
    kind: str
    amount: Decimal
    occurred_on: date
    household: UUID | None = None
    purpose: str = ""
    approved_by: str = ""
    corrects: UUID | None = None


@funds_router.get("/{team}", response=Ledger, summary="Sổ quỹ của một tổ, với số dư sau mỗi bút toán")
def fund_get(request: HttpRequest, team: UUID) -> dict[str, Any]:
    obj = selectors.fund_team_get(request.user, team)
    rows = selectors.fund_ledger(obj)
    totals = selectors.fund_totals(obj.fund_entries.all())
    return {
        "team": obj.uid,
        "balance": str(rows[-1].balance if rows else Decimal(0)),
        "contributions": str(totals["contribution"]),
        "expenses": str(totals["expense"]),
        "entries": [FundEntryOut.of(r) for r in rows],
    }


@funds_router.post(
    "/{team}/entries", response={201: FundEntryOut}, summary="Ghi một bút toán (không sửa, không xoá)"
)
def fund_entry(request: HttpRequest, team: UUID, payload: FundEntryIn) -> Status[FundEntryOut]:
    obj = selectors.fund_team_get(request.user, team, write=True)
    corrects = selectors.fund_entry_get(obj, payload.corrects) if payload.corrects else None
    household = (
        Household.objects.filter(uid=payload.household, team_links__team=obj).first()
        if payload.household
        else None
    )
    entry = services.fund_entry_record(
        actor=request.user,
        team=obj,
        kind=payload.kind,
        amount=payload.amount,
        occurred_on=payload.occurred_on,
        household=household,
        purpose=payload.purpose,
        approved_by=payload.approved_by,
        corrects=corrects,
    )
    balance = selectors.fund_balance(obj)
    return Status(201, FundEntryOut.of(selectors.LedgerRow(entry, entry.amount, balance, False)))
