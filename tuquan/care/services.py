"""The only writers of supervised persons and team funds. One transaction each, audited
with the record's reference and the names of the fields (never their values)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.actors import acting_user
from tuquan.care.models import (
    Category,
    CheckIn,
    FundEntry,
    FundKind,
    FundMonth,
    IncomeBand,
    Referral,
    ReferralOrg,
    ReferralStatus,
    SupervisedPerson,
)
from tuquan.care.permissions import (
    can_close_fund_month,
    can_keep_fund,
    can_supervise_person,
    can_take_in_person,
    can_visit_person,
)
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction, Level
from tuquan.core.services import audit_record
from tuquan.registry.models import Household, Person, Team

OUTCOME_FIELDS = (
    "job_found_on",
    "loan_on",
    "loan_amount",
    "family_support",
    "income_band",
    "reoffended_on",
    "planned_end_on",
    "team",
    "helper",
)
REF_RE = re.compile(r"GD-[A-Z0-9]{6}")
# The identity, corrected by the officer (never once minimised).
IDENTITY_FIELDS = ("full_name", "birth_year", "address", "legal_basis", "needs")


def _commune_of(area: Area) -> Area:
    if area.level == Level.COMMUNE:
        return area
    if area.level == Level.VILLAGE and area.parent is not None:
        return area.parent
    raise ValidationError({"area": _("Hãy chọn xã hoặc thôn, tổ dân phố.")})


def _require_officer(actor: Actor, person: SupervisedPerson) -> None:
    if not can_supervise_person(actor, person):
        raise PermissionDenied(_("Chỉ cán bộ Công an xã được thay đổi hồ sơ này."))


def _check_assignment(commune: Area, team: Team | None, helper: Person | None) -> None:
    if team is not None and not team.areas.filter(path__startswith=commune.path).exists():
        if not team.home_area.path.startswith(commune.path):
            raise ValidationError({"team": _("Tổ không thuộc xã này.")})
    if helper is not None and not helper.area.path.startswith(commune.path):
        raise ValidationError({"helper": _("Người giúp đỡ không ở xã này.")})


def _money(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    try:
        amount = (
            Decimal(str(value).replace(".", "").replace(" ", "").replace("₫", ""))
            if isinstance(value, str)
            else Decimal(value)
        )
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationError({field: _("Số tiền không hợp lệ.")}) from exc
    if amount != amount.to_integral_value():
        raise ValidationError({field: _("Số tiền tính bằng đồng, không có phần lẻ.")})
    if not allow_negative and amount <= 0:
        raise ValidationError({field: _("Số tiền phải lớn hơn 0.")})
    return amount


# --- supervised persons ------------------------------------------------------------------


@transaction.atomic
def supervised_create(
    *,
    actor: Actor,
    area: Area,
    category: str,
    full_name: str,
    start_on: date,
    birth_year: str = "",
    address: str = "",
    legal_basis: str = "",
    needs: str = "",
    planned_end_on: date | None = None,
    team: Team | None = None,
    helper: Person | None = None,
    ref: str = "",
) -> SupervisedPerson:
    """`ref` keeps the reference a person had in another database (a workbook import)."""
    if not can_take_in_person(actor, area):
        raise PermissionDenied(_("Chỉ cán bộ Công an xã nhận người được giúp đỡ của xã."))
    commune = _commune_of(area)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Họ và tên không được để trống.")})
    if category not in Category.values:
        raise ValidationError({"category": _("Diện không hợp lệ.")})
    if planned_end_on is not None and planned_end_on < start_on:
        raise ValidationError({"planned_end_on": _("Ngày kết thúc trước ngày bắt đầu.")})
    _check_assignment(commune, team, helper)
    if ref and (not REF_RE.fullmatch(ref) or SupervisedPerson.objects.filter(ref=ref).exists()):
        raise ValidationError({"ref": _("Mã hồ sơ “%(ref)s” không dùng được.") % {"ref": ref}})
    person = SupervisedPerson(
        area=area,
        commune=commune,
        category=category,
        full_name=full_name,
        birth_year=(birth_year or "").strip(),
        address=(address or "").strip(),
        legal_basis=(legal_basis or "").strip(),
        needs=(needs or "").strip(),
        start_on=start_on,
        planned_end_on=planned_end_on,
        team=team,
        helper=helper,
    )
    if ref:
        person.ref = ref
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        area=commune,
        label=person.ref,
        details={"fields": ["category", "full_name", "start_on", "team", "helper"]},
    )
    return person


@transaction.atomic
def supervised_update(*, actor: Actor, person: SupervisedPerson, **changes: Any) -> SupervisedPerson:
    """Outcomes, assignment, corrections of the identity: the commune officer only."""
    _require_officer(actor, person)
    unknown = set(changes) - set(OUTCOME_FIELDS) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationError(_("Không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if "income_band" in changes and changes["income_band"] not in IncomeBand.values:
        raise ValidationError({"income_band": _("Mức thu nhập không hợp lệ.")})
    identity = [f for f in IDENTITY_FIELDS if f in changes]
    if identity and person.minimised_at is not None:
        raise ValidationError(_("Thông tin nhận dạng đã được xoá, không ghi lại được."))
    for field in identity:
        changes[field] = (changes[field] or "").strip()
    if "full_name" in changes:
        changes["full_name"] = " ".join(changes["full_name"].split())
        if not changes["full_name"]:
            raise ValidationError({"full_name": _("Họ và tên không được để trống.")})
    if changes.get("planned_end_on") is not None and changes["planned_end_on"] < person.start_on:
        raise ValidationError({"planned_end_on": _("Ngày kết thúc trước ngày bắt đầu.")})
    if changes.get("loan_amount") not in (None, ""):
        changes["loan_amount"] = _money(changes["loan_amount"], "loan_amount")
    elif "loan_amount" in changes:
        changes["loan_amount"] = None
    _check_assignment(person.commune, changes.get("team", person.team), changes.get("helper", person.helper))
    changed = [f for f, v in changes.items() if getattr(person, f) != v]
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean()
    person.save()
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            area=person.commune,
            label=person.ref,
            details={"fields": sorted(changed)},
        )
    return person


@transaction.atomic
def supervised_checkin(
    *, actor: Actor, person: SupervisedPerson, occurred_on: date, note: str = ""
) -> CheckIn:
    """A visit or talk by the officer, the leader or the helper."""
    if not can_visit_person(actor, person):
        raise PermissionDenied(_("Bạn không được giao giúp đỡ người này."))
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Ngày gặp ở tương lai.")})
    if occurred_on < person.start_on or (person.closed_on and occurred_on > person.closed_on):
        raise ValidationError({"occurred_on": _("Ngày gặp ngoài thời gian giúp đỡ.")})
    user = acting_user(actor)
    checkin = CheckIn(person=person, occurred_on=occurred_on, note=(note or "").strip(), recorded_by=user)
    checkin.full_clean()
    checkin.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        area=person.commune,
        label=person.ref,
        details={"fields": ["checkin"]},
    )
    return checkin


@transaction.atomic
def supervised_close(*, actor: Actor, person: SupervisedPerson, closed_on: date) -> SupervisedPerson:
    _require_officer(actor, person)
    if person.closed_on is not None:
        raise ValidationError(_("Hồ sơ đã kết thúc."))
    if closed_on < person.start_on:
        raise ValidationError({"closed_on": _("Ngày kết thúc trước ngày bắt đầu.")})
    person.closed_on = closed_on
    person.save(update_fields=["closed_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        area=person.commune,
        label=person.ref,
        details={"fields": ["closed_on"]},
    )
    return person


# --- referrals ---------------------------------------------------------------------------


def _check_referral(person: SupervisedPerson, referral: Referral) -> None:
    today = timezone.localdate()
    if referral.organisation not in ReferralOrg.values:
        raise ValidationError({"organisation": _("Nơi giới thiệu không hợp lệ.")})
    if referral.status not in ReferralStatus.values:
        raise ValidationError({"status": _("Tình trạng không hợp lệ.")})
    if referral.referred_on > today:
        raise ValidationError({"referred_on": _("Ngày giới thiệu ở tương lai.")})
    if referral.referred_on < person.start_on or (
        person.closed_on and referral.referred_on > person.closed_on
    ):
        raise ValidationError({"referred_on": _("Ngày giới thiệu ngoài thời gian giúp đỡ.")})
    if referral.outcome_on is not None:
        if referral.outcome_on > today:
            raise ValidationError({"outcome_on": _("Ngày có kết quả ở tương lai.")})
        if referral.outcome_on < referral.referred_on:
            raise ValidationError({"outcome_on": _("Ngày có kết quả trước ngày giới thiệu.")})
        if referral.status == ReferralStatus.PENDING:
            raise ValidationError(
                {"status": _("Đã có ngày có kết quả: hãy chọn tình trạng khác “Đang chờ”.")}
            )
    elif referral.status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED):
        raise ValidationError({"outcome_on": _("Hãy ghi ngày có kết quả.")})


def _require_open_identity(person: SupervisedPerson) -> None:
    if person.minimised_at is not None:
        raise ValidationError(_("Hồ sơ đã được xoá thông tin nhận dạng, không ghi thêm được."))


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    person: SupervisedPerson,
    organisation: str,
    referred_on: date,
    need: str = "",
    status: str = ReferralStatus.PENDING,
    outcome: str = "",
    outcome_on: date | None = None,
    uid: uuid.UUID | None = None,
) -> Referral:
    """Refer the person to an organisation (Women's Union, Youth Union, …): the officer's.
    `uid` keeps the identifier a referral had in another database (a workbook import)."""
    _require_officer(actor, person)
    _require_open_identity(person)
    referral = Referral(
        person=person,
        organisation=organisation,
        referred_on=referred_on,
        need=(need or "").strip(),
        status=status or ReferralStatus.PENDING,
        outcome=(outcome or "").strip(),
        outcome_on=outcome_on,
        recorded_by=acting_user(actor),
    )
    if uid is not None:
        if Referral.objects.filter(uid=uid).exists():
            raise ValidationError({"uid": _("Mã giới thiệu đã có.")})
        referral.uid = uid
    _check_referral(person, referral)
    referral.full_clean()
    referral.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        area=person.commune,
        label=person.ref,
        details={"fields": ["referral"], "organisation": organisation},
    )
    return referral


REFERRAL_FIELDS = ("organisation", "referred_on", "need", "status", "outcome", "outcome_on")


@transaction.atomic
def referral_update(*, actor: Actor, referral: Referral, **changes: Any) -> Referral:
    """Record what came of a referral (status, outcome, its date) or correct it."""
    person = referral.person
    _require_officer(actor, person)
    _require_open_identity(person)
    unknown = set(changes) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValidationError(_("Không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for field in ("need", "outcome"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    changed = [f for f, v in changes.items() if getattr(referral, f) != v]
    for field, value in changes.items():
        setattr(referral, field, value)
    _check_referral(person, referral)
    referral.full_clean()
    if changed:
        referral.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            area=person.commune,
            label=person.ref,
            details={"fields": [f"referral.{f}" for f in sorted(changed)]},
        )
    return referral


def minimise_after_days() -> int:
    return int(getattr(settings, "TUQUAN_CARE_MINIMISE_DAYS", 365))


@transaction.atomic
def supervised_minimise_due(*, actor: Actor, today: date | None = None, days: int | None = None) -> int:
    """Empty the identity of persons closed more than `days` (TUQUAN_CARE_MINIMISE_DAYS)
    ago. Category, area, dates and outcomes remain, so the figures do not change."""
    today = today or timezone.localdate()
    limit = today - timedelta(days=minimise_after_days() if days is None else days)
    due = list(
        SupervisedPerson.objects.select_related("commune").filter(
            closed_on__isnull=False, closed_on__lte=limit, minimised_at__isnull=True
        )
    )
    now = timezone.now()
    for person in due:
        for field in ("full_name", "birth_year", "address", "legal_basis", "needs"):
            setattr(person, field, "")
        person.minimised_at = now
        person.save(
            update_fields=["full_name", "birth_year", "address", "legal_basis", "needs", "minimised_at"]
        )
        for checkin in CheckIn.objects.filter(person=person).exclude(note=""):
            CheckIn.objects.filter(pk=checkin.pk).update(note="")
        Referral.objects.filter(person=person).update(need="", outcome="")
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            area=person.commune,
            label=person.ref,
            details={"fields": ["minimised"]},
        )
    return len(due)


# --- team funds --------------------------------------------------------------------------


def month_closed(team: Team, day: date) -> bool:
    return FundMonth.objects.filter(team=team, month=day.replace(day=1)).exists()


@transaction.atomic
def fund_entry_record(
    *,
    actor: Actor,
    team: Team,
    kind: str,
    amount: Any,
    occurred_on: date,
    household: Household | None = None,
    purpose: str = "",
    approved_by: str = "",
    corrects: FundEntry | None = None,
) -> FundEntry:
    """Append an entry. A closed month takes none: a correction of an entry in a closed
    month is a new entry dated in an open month, naming the one it corrects."""
    if not can_keep_fund(actor, team):
        raise PermissionDenied(_("Bạn không giữ sổ quỹ của tổ này."))
    if kind not in FundKind.values:
        raise ValidationError({"kind": _("Loại không hợp lệ.")})
    value = _money(amount, "amount", allow_negative=corrects is not None)
    if value == 0:
        raise ValidationError({"amount": _("Số tiền phải khác 0.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Ngày ở tương lai.")})
    if month_closed(team, occurred_on):
        raise ValidationError(
            {
                "occurred_on": _("Tháng %(m)s đã khoá sổ: hãy ghi một bút toán sửa trong tháng chưa khoá.")
                % {"m": occurred_on.strftime("%m/%Y")}
            }
        )
    if corrects is not None and (corrects.team_id != team.pk or corrects.kind != kind):
        raise ValidationError({"corrects": _("Bút toán được sửa phải cùng tổ và cùng loại.")})
    if kind == FundKind.EXPENSE and corrects is None:
        if not (purpose or "").strip():
            raise ValidationError({"purpose": _("Hãy ghi nội dung chi.")})
        if not (approved_by or "").strip():
            raise ValidationError({"approved_by": _("Hãy ghi người duyệt chi.")})
    if household is not None and not team.team_households.filter(household=household).exists():
        if not household.area.path.startswith(team.home_area.path):
            raise ValidationError({"household": _("Hộ không thuộc tổ.")})
    entry = FundEntry(
        team=team,
        kind=kind,
        amount=value,
        occurred_on=occurred_on,
        household=household,
        purpose=(purpose or "").strip(),
        approved_by=(approved_by or "").strip(),
        corrects=corrects,
        recorded_by=acting_user(actor),
        recorded_by_name=getattr(actor, "username", "") or "",
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        area=team.home_area,
        label=f"{team.pk}:{entry.uid}"[:40],
        details={"fields": ["kind", "amount", "occurred_on"], "correction": corrects is not None},
    )
    return entry


@transaction.atomic
def fund_month_close(*, actor: Actor, team: Team, month: date) -> FundMonth:
    if not can_close_fund_month(actor, team):
        raise PermissionDenied(_("Chỉ cán bộ Công an xã khoá sổ quỹ theo tháng."))
    first = month.replace(day=1)
    if first > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("Chưa thể khoá tháng chưa đến.")})
    if FundMonth.objects.filter(team=team, month=first).exists():
        raise ValidationError({"month": _("Tháng này đã khoá sổ.")})
    closed = FundMonth.objects.create(team=team, month=first, closed_by=acting_user(actor))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=team,
        area=team.home_area,
        label=team.name,
        details={"fields": ["fund_month_closed"], "month": first.isoformat()},
    )
    return closed
