"""Every write of the journal: entries, review, monthly approval, aggregates.

Longer than 600 lines: entries, their checks, the months' approval and the period totals;
to be split by topic (issue 23)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.actors import acting_user
from tuquan.core.actors import Actor
from tuquan.core.approval import Machine, Step
from tuquan.core.models import LEGACY_LEVELS, Area, AuditAction, Level
from tuquan.core.rawsql import placeholders
from tuquan.core.services import audit_record
from tuquan.core.units import LEGACY_END
from tuquan.journal import rollups
from tuquan.journal.models import Aggregate, Approval, ApprovalStatus, Entry, EntryStatus, PeriodKind
from tuquan.journal.periods import month_start, next_month
from tuquan.journal.permissions import (
    can_accept_month,
    can_approve_month,
    can_enter_totals,
    can_record_entry,
    can_reopen_month,
    can_review_entry,
)
from tuquan.journal.selectors import team_villages
from tuquan.registry import stocks
from tuquan.registry.models import Membership, Person, Team

# Which entry kind feeds which indicators (an aggregate of one of these codes locks the kind).
KIND_INDICATORS: dict[str, list[str]] = {
    "patrol": ["patrols.count", "patrols.member_turns"],
    "meeting": ["meetings.count"],
    "awareness": ["awareness.sessions", "awareness.attendance_households", "awareness.attendance_persons"],
    "mediation": ["mediations.count", "mediations.reconciled"],
    "tip": ["tips.count", "tips.valuable"],
    "arrest": ["arrests.cases", "arrests.suspects"],
    "items": ["items.homemade_guns", "items.guns", "items.bullets", "items.explosives", "items.knives"],
    "incident": ["incidents.count"],
    "poppy": ["poppy.area_m2"],
    "migration": ["migration.prevented"],
}
INDICATOR_KIND = {code: kind for kind, codes in KIND_INDICATORS.items() for code in codes}

# Fields each kind may carry (all others are cleared), and those it must have.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "patrol": ("started_at", "ended_at", "member_turns"),
    "meeting": (),
    "awareness": ("attendance_persons", "attendance_households"),
    "mediation": ("subject", "parties", "outcome"),
    # Whether a tip was valuable is the officer's assessment (`tip_assess`), never the recorder's.
    "tip": ("tip_category",),
    "arrest": ("cases", "suspects", "offence"),
    "items": ("homemade_guns", "guns", "bullets", "explosives", "knives", "other_items"),
    "incident": ("incident_kind",),
    "poppy": ("poppy_m2",),
    "migration": ("migration_cases",),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "patrol": ("member_turns",),
    "awareness": ("attendance_persons",),
    "mediation": ("outcome",),
    "tip": ("tip_category",),
    "arrest": ("cases",),
    "incident": ("incident_kind",),
    "poppy": ("poppy_m2",),
    "migration": ("migration_cases",),
}
ALL_KIND_FIELDS = sorted({f for fields in KIND_FIELDS.values() for f in fields})
COUNT_LIMIT = 1_000_000
COUNT_FIELDS = (
    "other_participants",
    "member_turns",
    "attendance_persons",
    "attendance_households",
    "parties",
    "cases",
    "suspects",
    "homemade_guns",
    "guns",
    "bullets",
    "explosives",
    "knives",
    "other_items",
    "poppy_m2",
    "migration_cases",
)
# Values beyond these are possible but rare: the user must confirm them (typing errors).
OUTLIERS: dict[str, int] = {
    "bullets": 1000,
    "knives": 200,
    "guns": 50,
    "homemade_guns": 50,
    "poppy_m2": 100_000,
    "attendance_persons": 2000,
    "attendance_households": 1000,
    "suspects": 50,
    "cases": 20,
}


# A village-month's figures: the commune approves (locking them), the province accepts, the
# level that approved last reopens (core/approval.py).
MONTHS = Machine(
    steps={
        "approve": Step(frozenset({None, ApprovalStatus.REOPENED}), ApprovalStatus.APPROVED),
        "accept": Step(frozenset({ApprovalStatus.APPROVED}), ApprovalStatus.ACCEPTED),
        "reopen": Step(
            frozenset({ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED}), ApprovalStatus.REOPENED
        ),
    },
    locked=frozenset({ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED}),
)


def approval_for(village: Area, day: date) -> Approval | None:
    return Approval.objects.filter(village=village, month=month_start(day)).first()


def _require_unlocked(village: Area, day: date) -> None:
    approval = approval_for(village, day)
    _refuse_locked(village, day, approval.status if approval is not None else None)


def _refuse_locked(village: Area, day: date, status: str | None) -> None:
    if status in (ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED):
        raise ValidationError(
            _("Tháng %(m)s của %(v)s đã được duyệt: cần người duyệt mở lại trước khi sửa.")
            % {"m": day.strftime("%m/%Y"), "v": village.name}
        )


def _aggregate_covering(village: Area, day: date, kind: str) -> Aggregate | None:
    ancestors = [*village.ancestor_idents(), village.ident]
    return Aggregate.objects.filter(
        area__ident__in=ancestors,
        indicator__in=KIND_INDICATORS.get(kind, []),
        period_start__lte=day,
        period_end__gte=day,
    ).first()


def _active_members(team: Team, day: date) -> int:
    return (
        Membership.objects.filter(team=team, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .count()
    )


def validate_entry(
    entry: Entry,
    *,
    participants: list[Person],
    confirm: bool,
    villages: list[Area] | None = None,
    members: int | None = None,
) -> None:
    """Impossible values are refused; outlying ones need `confirm`. Errors name the field.

    A workbook import passes the team's `villages` and active `members` as its file will
    leave them (the team may be new, not yet saved)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    team = entry.team
    if entry.kind not in team.type.journal_kinds:
        add("kind", _("Mô hình “%(t)s” không ghi loại hoạt động này.") % {"t": team.type.short_name})
    if entry.village not in (team_villages(team) if villages is None else villages):
        add("village", _("Thôn này không thuộc địa bàn của tổ."))
    if entry.occurred_on > timezone.localdate():
        add("occurred_on", _("Ngày ở tương lai."))
    for field in REQUIRED.get(entry.kind, ()):
        if getattr(entry, field) in (None, ""):
            add(field, _("Cần nhập."))
    # No village records a million of anything in one entry: such a number is a typing slip,
    # and past 2^63 it would break the sums every report is made of.
    for field in COUNT_FIELDS:
        value = getattr(entry, field, None)
        if value is not None and value > COUNT_LIMIT:
            add(field, _("Số quá lớn (tối đa %(n)s).") % {"n": f"{COUNT_LIMIT:,}".replace(",", ".")})
    if entry.kind == "patrol":
        if entry.started_at and entry.ended_at and entry.ended_at <= entry.started_at:
            add("ended_at", _("Giờ kết thúc phải sau giờ bắt đầu."))
        if entry.started_at and timezone.localtime(entry.started_at).date() != entry.occurred_on:
            add("started_at", _("Giờ bắt đầu phải trong ngày tuần tra."))
        days = 1
        if entry.started_at and entry.ended_at and entry.ended_at > entry.started_at:
            days = (
                timezone.localtime(entry.ended_at).date() - timezone.localtime(entry.started_at).date()
            ).days + 1
        if members is None:
            members = _active_members(team, entry.occurred_on)
        people = max(members, len(participants)) + entry.other_participants
        if entry.member_turns is not None and entry.member_turns > people * days:
            add(
                "member_turns",
                _("Lượt người (%(n)s) lớn hơn số người × số ngày (%(m)s).")
                % {"n": entry.member_turns, "m": people * days},
            )
        if entry.member_turns is not None and entry.member_turns < len(participants):
            add("member_turns", _("Lượt người ít hơn số thành viên đã chọn."))
    if entry.kind == "arrest" and entry.cases == 0:
        add("cases", _("Số vụ phải từ 1 trở lên."))
    if entry.kind == "items" and not any(getattr(entry, f) for f in KIND_FIELDS["items"]):
        add("bullets", _("Nhập ít nhất một loại vật giao nộp."))
    if entry.kind == "poppy" and entry.poppy_m2 is not None and entry.poppy_m2 <= 0:
        add("poppy_m2", _("Diện tích phải lớn hơn 0."))
    if (
        entry.kind == "awareness"
        and entry.attendance_households
        and entry.attendance_persons is not None
        and entry.attendance_households > entry.attendance_persons
    ):
        add("attendance_households", _("Số hộ không thể nhiều hơn số người dự."))
    codes = {i["code"] for i in team.type.extra_indicators}
    for code, value in (entry.extra or {}).items():
        if code not in codes:
            add("extra", _("Chỉ tiêu riêng không có: %(c)s.") % {"c": code})
        elif not isinstance(value, int | float | Decimal) or value < 0:
            add("extra", _("Chỉ tiêu “%(c)s” phải là số không âm.") % {"c": code})
    if not confirm:
        for field, limit in OUTLIERS.items():
            value = getattr(entry, field)
            if value is not None and value > limit:
                add(
                    field,
                    _("Giá trị %(v)s cao bất thường: kiểm tra lại hoặc đánh dấu “xác nhận số liệu”.")
                    % {"v": value},
                )
    if errors:
        raise ValidationError(errors)


def _check_period(entry: Entry, facts: NewEntryFacts | None = None) -> None:
    if facts is None:
        _require_unlocked(entry.village, entry.occurred_on)
        aggregate = _aggregate_covering(entry.village, entry.occurred_on, entry.kind)
    else:
        _refuse_locked(entry.village, entry.occurred_on, facts.month_status)
        aggregate = (
            Aggregate.objects.select_related("area").get(pk=facts.aggregate_id)
            if facts.aggregate_id
            else None
        )
    if aggregate is not None:
        raise ValidationError(
            {
                "occurred_on": _(
                    "Kỳ này đã được nhập số tổng hợp (%(c)s) cho %(a)s: không ghi "
                    "thêm từng hoạt động để tránh đếm hai lần."
                )
                % {"c": aggregate.indicator, "a": aggregate.area.name}
            }
        )


@dataclass(frozen=True)
class NewEntryFacts:
    """What a new entry's checks read from the database, in one statement (`_new_entry_facts`)."""

    month_status: str | None  # its village-month's approval, None when never approved
    aggregate_id: int | None  # a period total already covering its kind, day and place
    members: int | None  # the team's active members that day (patrols only)
    serves: bool  # the team works in its village


FACTS_SQL = """SELECT
 (SELECT status FROM journal_approval WHERE village_id = %s AND month = %s),
 {aggregate},
 {members},
 (SELECT COUNT(*) FROM registry_teamarea WHERE team_id = %s AND area_id IN (%s, %s))"""
AGGREGATE_SQL = """(SELECT g.id FROM journal_aggregate g JOIN core_area a ON a.id = g.area_id
  WHERE a.ident IN ({idents}) AND g.indicator IN ({codes}) AND g.period_start <= %s
  AND g.period_end >= %s ORDER BY g.id LIMIT 1)"""
MEMBERS_SQL = """(SELECT COUNT(*) FROM registry_membership WHERE team_id = %s AND start_on <= %s
  AND (end_on IS NULL OR end_on >= %s))"""


def _new_entry_facts(entry: Entry) -> NewEntryFacts:
    """The month's approval, a covering period total, the team's active members and whether
    it works in the village, for a new entry: four ORM reads cost 2.5 ms of a write's CPU
    (building each query, and each village of a commune-wide team as a model), one plain
    statement 0.2 ms (docs/decisions.md, "Asked codes, and plain SQL"). The same rules as
    `approval_for`, `_aggregate_covering`, `_active_members` and `team_villages`: a village
    served is the team's own village or a village of a commune it serves."""
    village, day = entry.village, entry.occurred_on
    params: list[Any] = [village.pk, month_start(day).isoformat()]
    codes = KIND_INDICATORS.get(entry.kind, [])
    aggregate = "NULL"
    if codes:
        idents = [*village.ancestor_idents(), village.ident]
        aggregate = AGGREGATE_SQL.format(idents=placeholders(idents), codes=placeholders(codes))
        params += [*idents, *codes, day.isoformat(), day.isoformat()]
    members = "NULL"
    if entry.kind == "patrol":
        members = MEMBERS_SQL
        params += [entry.team_id, day.isoformat(), day.isoformat()]
    params += [entry.team_id, village.pk, village.parent_id or village.pk]
    with connection.cursor() as cur:
        cur.execute(FACTS_SQL.format(aggregate=aggregate, members=members), params)
        status, aggregate_id, count, links = cur.fetchone()
    return NewEntryFacts(
        month_status=status,
        aggregate_id=aggregate_id,
        members=count,
        serves=village.level == Level.VILLAGE and links > 0,
    )


def entry_record(
    *,
    actor: Actor,
    team: Team,
    village: Area,
    kind: str,
    occurred_on: date,
    participants: Iterable[Person] = (),
    other_participants: int = 0,
    confirm: bool = False,
    uid: Any = None,
    **fields: Any,
) -> Entry:
    if not can_record_entry(actor, team, village):
        raise PermissionDenied(_("Bạn không ghi nhật ký cho tổ này ở thôn này."))
    unknown = set(fields) - {*ALL_KIND_FIELDS, "extra", "note"}
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    participants = list(participants)
    allowed = set(KIND_FIELDS.get(kind, ()))
    clean = {k: v for k, v in fields.items() if k in allowed or k in ("extra", "note")}
    with transaction.atomic():
        # Held before the month's approval is read below, so an approval cannot slip in
        # between that check and this write (see rollups.hold).
        rollups.hold((village.pk, occurred_on))
        entry = Entry(
            team=team,
            village=village,
            kind=kind,
            occurred_on=occurred_on,
            other_participants=other_participants,
            created_by=acting_user(actor),
            **clean,
        )
        if uid:
            entry.uid = uid
        # The team, village and user are the caller's own objects, already read: checking
        # that each exists costs a query apiece on the busiest write. A generated uid is new.
        entry.full_clean(exclude=["participants", "team", "village", "created_by", *([] if uid else ["uid"])])
        facts = _new_entry_facts(entry)
        validate_entry(
            entry,
            participants=participants,
            confirm=confirm,
            # the team's villages as far as this entry goes: its own, or none
            villages=[village] if facts.serves else [],
            members=facts.members,
        )
        _check_period(entry, facts)
        entry.save()
        if participants:
            # A new entry has no participants yet: `set` would read them first.
            links = Entry.participants.through
            people = dict.fromkeys(p.pk for p in participants)  # once each, as `set` would
            links.objects.bulk_create([links(entry_id=entry.pk, person_id=pk) for pk in people])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=entry,
            area=village,
            label=entry.get_kind_display(),
            details={"team": str(team.uid), "on": occurred_on.isoformat()},
        )
        # Last: the commune's and province's rows, which every writer of the province adds to,
        # stay locked from here to the commit only. The month is open (checked above, under
        # the hold), so its figures are not approved ones.
        rollups.move(None, rollups.share(entry, approved=False))
    # What `selectors.entry_list` annotates, known here: an answer needs no second read.
    entry.month_status = facts.month_status  # type: ignore[attr-defined]
    return entry


def entry_update(
    *,
    actor: Actor,
    entry: Entry,
    participants: Iterable[Person] | None = None,
    confirm: bool = False,
    **fields: Any,
) -> Entry:
    if not can_record_entry(actor, entry.team, entry.village):
        raise PermissionDenied(_("Bạn không sửa được hoạt động này."))
    allowed = {
        *KIND_FIELDS.get(entry.kind, ()),
        "extra",
        "note",
        "occurred_on",
        "other_participants",
        "village",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    # A verified entry edited is verified no more: its team's paper-only days may change.
    with transaction.atomic(), stocks.changing(journals=[entry.team_id]):
        before = _locked(entry)
        village = fields.get("village", entry.village)
        rollups.hold(
            (entry.village_id, entry.occurred_on),
            (village.pk, fields.get("occurred_on") or entry.occurred_on),
        )
        _require_unlocked(entry.village, entry.occurred_on)
        people = list(participants) if participants is not None else list(entry.participants.all())
        for k, v in fields.items():
            setattr(entry, k, v)
        if entry.status in (EntryStatus.RETURNED, EntryStatus.VERIFIED):
            # A changed entry goes back to the officer: a returned one once corrected, a
            # verified one because what was checked is no longer what is recorded.
            entry.status = EntryStatus.SUBMITTED
        entry.full_clean(exclude=["participants"])
        validate_entry(entry, participants=people, confirm=confirm)
        _check_period(entry)
        entry.save()
        if participants is not None:
            entry.participants.set(people)
        # The entry may have moved to another village or month: its old share leaves the one,
        # its new share joins the other.
        rollups.move(before, rollups.share(entry))
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=entry,
            area=entry.village,
            label=entry.get_kind_display(),
            details={"fields": sorted(fields)},
        )
    return entry


def _locked(entry: Entry) -> rollups.Share:
    """Lock the entry's row and read it again: the caller's copy may be older than another
    writer's change, and what the entry adds to the figures must be taken from what is
    stored, or two edits at once would each take away a share the other had replaced."""
    if not Entry.objects.select_for_update().filter(pk=entry.pk).values_list("pk", flat=True):
        raise ValidationError(_("Hoạt động này vừa bị xoá."))
    entry.refresh_from_db()
    return rollups.share(entry)


def entry_delete(*, actor: Actor, entry: Entry, reason: str) -> None:
    """Remove an entry recorded by mistake, while its month is open, saying why (the audit
    keeps the reason, as a crossed-out line in the paper notebook keeps its note). Its
    recorder (or the commune officer) may remove it until the commune has checked it; a
    checked entry only the commune officer, who checked it."""
    if not can_record_entry(actor, entry.team, entry.village):
        raise PermissionDenied(_("Bạn không xoá được hoạt động này."))
    if not reason.strip():
        raise ValidationError({"reason": _("Ghi lý do xoá (ví dụ: ghi nhầm, ghi trùng).")})
    if len(reason.strip()) > 200:
        raise ValidationError({"reason": _("Lý do xoá dài quá 200 ký tự.")})
    with transaction.atomic(), stocks.changing(journals=[entry.team_id]):
        before = _locked(entry)
        rollups.hold((entry.village_id, entry.occurred_on))
        _require_unlocked(entry.village, entry.occurred_on)
        if entry.status == EntryStatus.VERIFIED and not can_review_entry(actor, entry):
            raise ValidationError(
                _("Hoạt động đã được xã kiểm tra: chỉ cán bộ xã xoá được, hoặc sửa lại để xã kiểm tra lại.")
            )
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=entry,
            area=entry.village,
            label=entry.get_kind_display(),
            details={
                "team": str(entry.team.uid),
                "on": entry.occurred_on.isoformat(),
                "reason": reason.strip(),
            },
        )
        entry.participants.clear()
        entry.delete()
        rollups.move(before, None)


def entry_review(*, actor: Actor, entry: Entry, verdict: str, comment: str = "") -> Entry:
    """The commune officer verifies an entry or returns it with a comment."""
    if not can_review_entry(actor, entry):
        raise PermissionDenied(_("Chỉ cán bộ xã kiểm tra nhật ký."))
    if verdict not in (EntryStatus.VERIFIED, EntryStatus.RETURNED):
        raise ValidationError({"verdict": _("Chọn “đã kiểm tra” hoặc “trả lại”.")})
    if verdict == EntryStatus.RETURNED and not comment.strip():
        raise ValidationError({"comment": _("Ghi lý do trả lại.")})
    with transaction.atomic(), stocks.changing(journals=[entry.team_id]):
        _locked(entry)
        # Held so that the month's approval, which counts the unchecked entries, waits.
        rollups.hold((entry.village_id, entry.occurred_on))
        _require_unlocked(entry.village, entry.occurred_on)
        entry.status, entry.review_comment = verdict, comment.strip()
        entry.reviewed_by, entry.reviewed_at = acting_user(actor), timezone.now()
        entry.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=entry,
            area=entry.village,
            label=entry.get_kind_display(),
            details={"review": verdict},
        )
    return entry


def entries_review(*, actor: Actor, entries: list[Entry], verdict: str, comment: str = "") -> int:
    """Checks or returns several entries at once (the commune's pace: a village-month's
    entries in one tap), all or none: one refused entry leaves every other one as it was.

    The teams' locks are all taken first, in order, so that a bulk check and the single
    writes of those teams queue one behind the other instead of crossing (the lock order of
    docs/architecture.md, "Reports and freshness")."""
    if not entries:
        raise ValidationError({"entries": _("Chọn ít nhất một hoạt động.")})
    ordered = sorted(entries, key=lambda e: (e.team_id, e.village_id, e.occurred_on, e.pk))
    with transaction.atomic(), stocks.changing(journals=sorted({e.team_id for e in ordered})):
        for entry in ordered:
            entry_review(actor=actor, entry=entry, verdict=verdict, comment=comment)
    return len(ordered)


def tip_assess(*, actor: Actor, entry: Entry, valuable: bool) -> Entry:
    if entry.kind != "tip":
        raise ValidationError(_("Chỉ đánh giá được thông tin cung cấp."))
    if not can_review_entry(actor, entry):
        raise PermissionDenied(_("Chỉ cán bộ xã đánh giá thông tin."))
    with transaction.atomic():
        before = _locked(entry)
        rollups.hold((entry.village_id, entry.occurred_on))
        _require_unlocked(entry.village, entry.occurred_on)
        entry.tip_valuable = valuable
        entry.save(update_fields=["tip_valuable", "updated_at"])
        rollups.move(before, rollups.share(entry))
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=entry,
            area=entry.village,
            label="tip",
            details={"valuable": valuable},
        )
    return entry


def month_approve(*, actor: Actor, village: Area, month: date) -> Approval:
    """Approve a village's month: every entry must have been checked; the month then locks."""
    month = month_start(month)
    if not can_approve_month(actor, village):
        raise PermissionDenied(_("Chỉ cán bộ xã duyệt số liệu tháng."))
    if month >= month_start(timezone.localdate()):
        raise ValidationError(_("Chỉ duyệt được tháng đã kết thúc."))
    with transaction.atomic():
        # No entry of the month changes from here to the end of the approval: the count of
        # unchecked ones below stays true until the month is locked.
        rollups.hold((village.pk, month), exclusive=True)
        pending = (
            Entry.objects.filter(village=village, occurred_on__gte=month, occurred_on__lt=next_month(month))
            .exclude(status=EntryStatus.VERIFIED)
            .count()
        )
        if pending:
            raise ValidationError(
                _("Còn %(n)s hoạt động chưa kiểm tra ở %(v)s.") % {"n": pending, "v": village.name}
            )
        approval, _before = MONTHS.take(
            Approval.objects.filter(village=village, month=month),
            "approve",
            _("Tháng này đã được duyệt."),
            create=lambda: Approval(village=village, month=month),
        )
        approval.approved_by, approval.approved_at = acting_user(actor), timezone.now()
        approval.reopen_reason = ""
        approval.save()
        rollups.set_approved(village.pk, month, True)  # the month's figures now count as approved
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=approval,
            area=village,
            label=f"{month:%m/%Y}",
            details={"approved": month.isoformat()},
        )
    return approval


def month_accept(*, actor: Actor, village: Area, month: date) -> Approval:
    month = month_start(month)
    if not can_accept_month(actor, village):
        raise PermissionDenied(_("Chỉ cán bộ tỉnh chấp nhận số liệu."))
    with transaction.atomic():
        # Read under its lock: a reopening at the same moment either comes first (and this
        # is refused) or waits.
        approval, _before = MONTHS.take(
            Approval.objects.filter(village=village, month=month),
            "accept",
            _("%(v)s chưa được xã duyệt tháng %(m)s.") % {"v": village.name, "m": f"{month:%m/%Y}"},
        )
        approval.accepted_by, approval.accepted_at = acting_user(actor), timezone.now()
        approval.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=approval,
            area=village,
            label=f"{month:%m/%Y}",
            details={"accepted": month.isoformat()},
        )
    return approval


def month_reopen(*, actor: Actor, village: Area, month: date, reason: str) -> Approval:
    """Only the level that approved last may reopen: the commune an approved month, the
    province an accepted one."""
    month = month_start(month)
    if not reason.strip():
        raise ValidationError({"reason": _("Ghi lý do mở lại.")})
    with transaction.atomic():
        rollups.hold((village.pk, month), exclusive=True)
        approval, before = MONTHS.take(
            Approval.objects.filter(village=village, month=month), "reopen", _("Tháng này chưa được duyệt.")
        )
        if not can_reopen_month(actor, village, before):
            raise PermissionDenied(_("Chỉ cấp đã duyệt mới mở lại được."))
        approval.reopen_reason = reason.strip()
        approval.save()
        rollups.set_approved(village.pk, month, False)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=approval,
            area=village,
            label=f"{month:%m/%Y}",
            details={"reopened": month.isoformat()},
        )
    return approval


def period_bounds(kind: str, start: date) -> tuple[date, date]:
    from datetime import timedelta

    if kind == PeriodKind.MONTH:
        first = month_start(start)
        return first, next_month(first) - timedelta(days=1)
    if kind == PeriodKind.QUARTER:
        first = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
        end = next_month(next_month(next_month(first)))
        return first, end - timedelta(days=1)
    return date(start.year, 1, 1), date(start.year, 12, 31)


def overlapping_totals(area: Area) -> tuple[Q, Q]:
    """Where a total for `area` would overlap other totals, and entries: its subtree and
    ancestors, and across the 2025 reform its successors' or predecessors' units."""
    units = Q(area__path__startswith=area.path) | Q(area__ident__in=area.ancestor_idents())
    villages = Q(village__path__startswith=area.path)
    if area.is_legacy:
        for link in area.successor_links.select_related("successor"):
            units |= Q(area__path__startswith=link.successor.path)
            villages |= Q(village__path__startswith=link.successor.path)
        if area.province is not None:
            units |= Q(area=area.province)
    else:
        units |= Q(
            area__level__in=LEGACY_LEVELS, area__successor_links__successor__path__startswith=area.path
        )
        if area.level == Level.PROVINCE:
            units |= Q(area__level__in=LEGACY_LEVELS, area__province=area)
    return units, villages


def aggregate_record(
    *,
    actor: Actor,
    area: Area,
    indicator: str,
    period_kind: str,
    period_start: date,
    value: Decimal,
    note: str = "",
) -> Aggregate:
    """Enter a period total. Refused where records or another total already cover it."""
    if not can_enter_totals(actor, area):
        raise PermissionDenied(_("Bạn không nhập số tổng hợp cho địa bàn này."))
    if indicator not in INDICATOR_KIND:
        raise ValidationError(
            {"indicator": _("Chỉ tiêu không nhập tổng hợp được: %(c)s.") % {"c": indicator}}
        )
    if period_kind not in PeriodKind.values:
        raise ValidationError({"period_kind": _("Kỳ không hợp lệ.")})
    if area.level == Level.COUNTRY:
        raise ValidationError({"area": _("Chọn tỉnh, xã hoặc thôn.")})
    if value < 0:
        raise ValidationError({"value": _("Giá trị không âm.")})
    start, end = period_bounds(period_kind, period_start)
    if area.is_legacy and end > LEGACY_END:
        raise ValidationError({"area": _("Huyện, xã cũ chỉ nhận số tổng hợp của kỳ trước 01/7/2025.")})
    if end >= timezone.localdate():
        raise ValidationError({"period_start": _("Chỉ nhập tổng hợp cho kỳ đã kết thúc.")})
    kind = INDICATOR_KIND[indicator]
    related, recorded_at = overlapping_totals(area)
    with transaction.atomic():
        if Entry.objects.filter(
            recorded_at, kind=kind, occurred_on__gte=start, occurred_on__lte=end
        ).exists():
            raise ValidationError(
                _(
                    "Kỳ này đã có hoạt động ghi chi tiết ở %(a)s: số liệu lấy từ ghi chép, không "
                    "nhập tổng hợp."
                )
                % {"a": area.name}
            )
        if Aggregate.objects.filter(
            related, indicator=indicator, period_start__lte=end, period_end__gte=start
        ).exists():
            raise ValidationError(_("Đã có số tổng hợp trùng kỳ hoặc trùng địa bàn cho chỉ tiêu này."))
        aggregate = Aggregate(
            area=area,
            indicator=indicator,
            period_kind=period_kind,
            period_start=start,
            period_end=end,
            value=value,
            note=note,
            entered_by=acting_user(actor),
        )
        aggregate.full_clean()
        aggregate.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=aggregate,
            area=area,
            label=indicator,
            details={"period": [start.isoformat(), end.isoformat()], "value": str(value)},
        )
    return aggregate
