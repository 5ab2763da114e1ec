"""Longer than 600 lines: criteria sets, rounds, hotspots, ratings and grading; to be
split by topic (issue 23).

Every write of the yearly assessment: `<entity>_<verb>(*, actor, ...)`, one transaction,
full_clean, an audit entry.

Rounds follow the journal's monthly approval: the commune proposes (the round locks), the
province approves (locked until reopened) or returns it (open again, with the reason).
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.actors import acting_user
from tuquan.assessment import permissions
from tuquan.assessment.models import (
    RATING_RANK,
    UNIT_KINDS,
    CheckKind,
    CriteriaSet,
    Criterion,
    Grade,
    GradingRules,
    Hotspot,
    HotspotStatus,
    HotspotTask,
    Outcome,
    Rating,
    RatingLevel,
    RatingRules,
    Result,
    Round,
    RoundStatus,
    SetStatus,
    SubjectKind,
    TeamGrade,
    Unit,
)
from tuquan.assessment.rules import meets, rating_period, window
from tuquan.core.actors import Actor
from tuquan.core.approval import Machine, Step
from tuquan.core.indicators import INDICATORS, compute, known
from tuquan.core.models import Area, AuditAction, Level
from tuquan.core.services import audit_record
from tuquan.journal.models import Entry, EntryStatus
from tuquan.registry.models import Commendation, CommendationLevel, Membership, Team

# --- criteria sets ------------------------------------------------------------------------


def set_in_use(criteria_set: CriteriaSet) -> bool:
    return criteria_set.rounds.exists()


def criteria_set_new_version(
    *, actor: Actor, base: CriteriaSet, criteria: list[dict[str, Any]], name: str = "", legal_basis: str = ""
) -> CriteriaSet:
    """The next version of a set, with its own criteria; the previous one retires when the new
    one is activated. A version in use is never edited."""
    if not permissions.can_edit_criteria(actor):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    if not criteria:
        raise ValidationError({"criteria": _("Bộ tiêu chí cần ít nhất một tiêu chí.")})
    with transaction.atomic():
        last = CriteriaSet.objects.filter(code=base.code).order_by("-version").first()
        new = CriteriaSet(
            code=base.code,
            version=(last.version if last else base.version) + 1,
            name=name or base.name,
            legal_basis=legal_basis or base.legal_basis,
            subject_kind=base.subject_kind,
            province=base.province,
            status=SetStatus.DRAFT,
            supersedes=base,
            window_end_month=base.window_end_month,
            window_end_day=base.window_end_day,
            deadline_month=base.deadline_month,
            deadline_day=base.deadline_day,
            grades=list(base.grades),
        )
        new.full_clean()
        new.save()
        for order, spec in enumerate(criteria, 1):
            criterion = Criterion(criteria_set=new, order=order, **spec)
            criterion.full_clean()
            criterion.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=new, label=str(new))
    return new


def criterion_update(*, actor: Actor, criterion: Criterion, **fields: Any) -> Criterion:
    if not permissions.can_edit_criteria(actor):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    if set_in_use(criterion.criteria_set):
        raise ValidationError(_("Bộ tiêu chí đã được dùng để đánh giá: hãy tạo phiên bản mới."))
    with transaction.atomic():
        for key, value in fields.items():
            setattr(criterion, key, value)
        criterion.full_clean()
        _criterion_ok(criterion)
        criterion.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=criterion, label=criterion.code)
    return criterion


def criteria_set_update(*, actor: Actor, criteria_set: CriteriaSet, **fields: Any) -> CriteriaSet:
    """Name, legal basis, window and deadline of a version not yet used by any round."""
    if not permissions.can_edit_criteria(actor):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    if set_in_use(criteria_set):
        raise ValidationError(_("Bộ tiêu chí đã được dùng để đánh giá: hãy tạo phiên bản mới."))
    allowed = {"name", "legal_basis", "window_end_month", "window_end_day", "deadline_month", "deadline_day"}
    with transaction.atomic():
        for key, value in fields.items():
            if key not in allowed:
                raise ValueError(key)
            setattr(criteria_set, key, value)
        criteria_set.full_clean()
        _check_day(criteria_set.window_end_month, criteria_set.window_end_day, "window_end_day")
        _check_day(criteria_set.deadline_month, criteria_set.deadline_day, "deadline_day")
        criteria_set.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=criteria_set, label=str(criteria_set))
    return criteria_set


def _check_day(month: int, day: int, field: str) -> None:
    # 2001 is not a leap year: a window may not end on 29/02, which most years lack.
    try:
        date(2001, month, day)
    except ValueError as exc:
        raise ValidationError(
            {field: _("Ngày %(d)s/%(m)s không có trong năm.") % {"d": day, "m": month}}
        ) from exc


def criterion_add(*, actor: Actor, criteria_set: CriteriaSet, **fields: Any) -> Criterion:
    """A criterion added at the end of a version not yet used by any round."""
    if not permissions.can_edit_criteria(actor):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    if set_in_use(criteria_set):
        raise ValidationError(_("Bộ tiêu chí đã được dùng để đánh giá: hãy tạo phiên bản mới."))
    with transaction.atomic():
        last = criteria_set.criteria.order_by("-order").first()
        criterion = Criterion(criteria_set=criteria_set, order=(last.order + 1) if last else 1, **fields)
        criterion.full_clean()
        _criterion_ok(criterion)
        criterion.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=criterion, label=criterion.code)
    return criterion


def _criterion_ok(c: Criterion) -> None:
    """A threshold needs its number, a derived criterion its indicator: without them the
    criterion could never be evaluated the way it says."""
    if c.check_kind == CheckKind.THRESHOLD and c.threshold is None:
        raise ValidationError({"threshold": _("Tiêu chí so với ngưỡng cần có ngưỡng.")})
    if c.check_kind == CheckKind.DERIVED:
        if not c.indicator:
            raise ValidationError({"indicator": _("Tiêu chí tính từ số liệu cần có mã chỉ tiêu.")})
        if c.indicator not in INDICATORS:
            raise ValidationError({"indicator": _("Không có chỉ tiêu “%(c)s”.") % {"c": c.indicator}})


def criteria_set_activate(*, actor: Actor, criteria_set: CriteriaSet) -> CriteriaSet:
    if not permissions.can_edit_criteria(actor):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa bộ tiêu chí."))
    with transaction.atomic():
        CriteriaSet.objects.filter(code=criteria_set.code, status=SetStatus.ACTIVE).exclude(
            pk=criteria_set.pk
        ).update(status=SetStatus.RETIRED)
        criteria_set.status = SetStatus.ACTIVE
        criteria_set.save(update_fields=["status"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=criteria_set, label=str(criteria_set))
    return criteria_set


# --- registered units ---------------------------------------------------------------------


def unit_create(*, actor: Actor, commune: Area, kind: str, name: str, address: str = "") -> Unit:
    if commune.level != Level.COMMUNE:
        raise ValidationError({"commune": _("Đơn vị phải thuộc một xã.")})
    if not permissions.can_register_unit(actor, commune):
        raise PermissionDenied(_("Bạn không quản lý đơn vị ở xã này."))
    with transaction.atomic():
        unit = Unit(commune=commune, kind=kind, name=name.strip(), address=address.strip())
        unit.full_clean()
        unit.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=unit, area=commune, label=unit.name)
    return unit


def unit_update(
    *, actor: Actor, unit: Unit, kind: str, name: str, address: str = "", active: bool = True
) -> Unit:
    if not permissions.can_edit_unit(actor, unit):
        raise PermissionDenied(_("Bạn không quản lý đơn vị ở xã này."))
    if kind != unit.kind and unit.results.exists():
        # Its results were judged against the set of its kind: a new kind would orphan them.
        raise ValidationError({"kind": _("Đơn vị đã có kết quả đánh giá: không đổi loại được.")})
    with transaction.atomic():
        unit.kind, unit.name, unit.address, unit.active = kind, name.strip(), address.strip(), active
        unit.full_clean()
        unit.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=unit, area=unit.commune, label=unit.name)
    return unit


# --- rounds ---------------------------------------------------------------------------------


def _subjects_ok(criteria_set: CriteriaSet, commune: Area, area: Area | None, unit: Unit | None) -> None:
    kind = criteria_set.subject_kind
    if kind in UNIT_KINDS:
        if unit is None or unit.commune_id != commune.pk:
            raise ValidationError(_("Đơn vị được đánh giá phải đăng ký ở xã này."))
        allowed = (SubjectKind.AGENCY, SubjectKind.ENTERPRISE) if kind == SubjectKind.AGENCY else (kind,)
        if unit.kind not in allowed:
            raise ValidationError(_("Bộ tiêu chí không áp dụng cho loại đơn vị này."))
        return
    if area is None:
        raise ValidationError(_("Hãy chọn địa bàn được đánh giá."))
    if kind == SubjectKind.RESIDENTIAL and (area.level != Level.VILLAGE or area.parent_id != commune.pk):
        raise ValidationError(_("Khu dân cư phải là một thôn, tổ dân phố của xã."))
    if kind in (SubjectKind.COMMUNE, SubjectKind.RURAL) and area.pk != commune.pk:
        raise ValidationError(_("Bộ tiêu chí này đánh giá chính xã."))


def evaluate(
    *, actor: Actor, criteria_set: CriteriaSet, year: int, area: Area | None, answers: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Each criterion's value and whether it holds; derived ones are computed from what was
    recorded for the subject's area over the window. Returns (answers, outcome)."""
    start, end = window(criteria_set, year)
    criteria = list(criteria_set.criteria.all())
    derived = known(c.indicator for c in criteria if c.check_kind == CheckKind.DERIVED)
    figures: dict[str, Any] | None = None
    out: dict[str, Any] = {}
    met = True
    for c in criteria:
        if c.check_kind == CheckKind.DERIVED:
            if area is None:
                raise ValidationError(_("Tiêu chí “%(c)s” chỉ tính được cho một địa bàn.") % {"c": c.text})
            if figures is None:
                # A criterion naming a code since removed has no figure (and does not hold).
                figures = (
                    compute(actor=actor, area=area, start=start, end=end, codes=derived)["indicators"]
                    if derived
                    else {}
                )
            raw = figures.get(c.indicator)
            value = raw.get("ratio") if isinstance(raw, dict) else raw
            holds = value is not None and meets(Decimal(str(value)), c)
        else:
            value = answers.get(c.code)
            if value is None or value == "":
                raise ValidationError(_("Chưa có kết quả tiêu chí “%(c)s”.") % {"c": c.text})
            if c.check_kind == CheckKind.YES_NO:
                value = value in (True, "true", "1", "yes", "on", 1)
                holds = bool(value)
            else:
                try:
                    number = Decimal(str(value))
                except ArithmeticError as exc:
                    raise ValidationError(_("“%(c)s” phải là một số.") % {"c": c.text}) from exc
                value = str(number)
                holds = meets(number, c)
        out[c.code] = {"value": value, "met": holds}
        met = met and holds
    return out, Outcome.MET if met else Outcome.NOT_MET


# A commune's yearly round: it proposes its results, the province approves (or returns them),
# and reopens an approved round (core/approval.py).
ROUNDS = Machine(
    steps={
        "propose": Step(
            frozenset({RoundStatus.DRAFT, RoundStatus.RETURNED, RoundStatus.REOPENED}), RoundStatus.PROPOSED
        ),
        "approve": Step(frozenset({RoundStatus.PROPOSED}), RoundStatus.APPROVED),
        "return": Step(frozenset({RoundStatus.PROPOSED}), RoundStatus.RETURNED),
        "reopen": Step(frozenset({RoundStatus.APPROVED}), RoundStatus.REOPENED),
    },
    locked=frozenset({RoundStatus.PROPOSED, RoundStatus.APPROVED}),
)


def round_open(*, actor: Actor, criteria_set: CriteriaSet, commune: Area, year: int) -> Round:
    if not permissions.can_open_round(actor, commune):
        raise PermissionDenied(_("Bạn không lập đánh giá cho xã này."))
    if criteria_set.status != SetStatus.ACTIVE:
        raise ValidationError(_("Bộ tiêu chí này không còn áp dụng."))
    if Round.objects.filter(criteria_set__code=criteria_set.code, commune=commune, year=year).exists():
        raise ValidationError(_("Xã đã có đợt đánh giá theo bộ tiêu chí này cho năm %(y)s.") % {"y": year})
    with transaction.atomic():
        rnd = Round(criteria_set=criteria_set, commune=commune, year=year)
        rnd.full_clean()
        rnd.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=rnd, area=commune, label=str(year))
    return rnd


def result_record(
    *,
    actor: Actor,
    round: Round,
    answers: dict[str, Any],
    area: Area | None = None,
    unit: Unit | None = None,
    evidence: str = "",
    grade: str = "",
) -> Result:
    """The commune's proposed result for one subject; refused once the round is locked."""
    if not permissions.can_enter_round(actor, round):
        raise PermissionDenied(_("Bạn không lập đánh giá cho xã này."))
    locked = _("Đợt đánh giá đã gửi hoặc đã phê duyệt: không sửa được.")
    if round.locked:
        raise ValidationError(locked)
    _subjects_ok(round.criteria_set, round.commune, area, unit)
    if grade and grade not in round.criteria_set.grades:
        raise ValidationError({"grade": _("Bộ tiêu chí không có mức xếp loại này.")})
    values, outcome = evaluate(
        actor=actor, criteria_set=round.criteria_set, year=round.year, area=area, answers=answers
    )
    with transaction.atomic():
        # Checked again under the round's lock: a proposal at the same moment waits for this
        # result (and includes it) or comes first (and this is refused).
        ROUNDS.hold(round, locked)
        result = Result.objects.filter(round=round, area=area, unit=unit).first() or Result(
            round=round, area=area, unit=unit
        )
        result.answers, result.outcome, result.evidence, result.grade = values, outcome, evidence, grade
        result.full_clean()
        result.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=result,
            area=round.commune,
            label=str(area or unit),
            details={"outcome": outcome},
        )
    return result


def round_propose(*, actor: Actor, round: Round) -> Round:
    if not permissions.can_enter_round(actor, round):
        raise PermissionDenied(_("Bạn không lập đánh giá cho xã này."))
    with transaction.atomic():
        ROUNDS.lock(round, "propose", _("Đợt đánh giá đã gửi."))
        if not round.results.exists():
            raise ValidationError(_("Đợt đánh giá chưa có kết quả nào."))
        round.proposed_by, round.proposed_at, round.note = acting_user(actor), timezone.now(), ""
        round.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=round, area=round.commune, label="proposed")
    return round


def round_approve(
    *, actor: Actor, round: Round, decision_number: str, decision_date: date | None = None
) -> Round:
    if not permissions.can_approve_round(actor, round):
        raise PermissionDenied(_("Chỉ cấp tỉnh phê duyệt kết quả đánh giá."))
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Ghi số quyết định công nhận.")})
    with transaction.atomic():
        ROUNDS.lock(round, "approve", _("Xã chưa gửi đề nghị cho đợt đánh giá này."))
        round.approved_by, round.approved_at = acting_user(actor), timezone.now()
        round.decision_number = decision_number.strip()
        round.decision_date = decision_date or timezone.localdate()
        round.full_clean()
        round.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=round, area=round.commune, label="approved")
    return round


def round_return(*, actor: Actor, round: Round, reason: str) -> Round:
    if not permissions.can_approve_round(actor, round):
        raise PermissionDenied(_("Chỉ cấp tỉnh trả lại kết quả đánh giá."))
    if not reason.strip():
        raise ValidationError({"reason": _("Ghi lý do trả lại.")})
    with transaction.atomic():
        ROUNDS.lock(round, "return", _("Xã chưa gửi đề nghị cho đợt đánh giá này."))
        round.note = reason.strip()
        round.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=round, area=round.commune, label="returned")
    return round


def round_reopen(*, actor: Actor, round: Round, reason: str) -> Round:
    """Only the province reopens an approved round."""
    if not permissions.can_approve_round(actor, round):
        raise PermissionDenied(_("Chỉ cấp đã phê duyệt mới mở lại được."))
    if not reason.strip():
        raise ValidationError({"reason": _("Ghi lý do mở lại.")})
    with transaction.atomic():
        ROUNDS.lock(round, "reopen", _("Đợt đánh giá chưa được phê duyệt."))
        round.note = reason.strip()
        round.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=round, area=round.commune, label="reopened")
    return round


# --- hotspots -------------------------------------------------------------------------------


def hotspot_declare(
    *,
    actor: Actor,
    area: Area,
    reason: str,
    declared_on: date,
    decision_number: str,
    tasks: list[dict[str, Any]],
) -> Hotspot:
    if not permissions.can_declare_hotspot(actor, area):
        raise PermissionDenied(_("Bạn không quản lý địa bàn này."))
    with transaction.atomic():
        hotspot = Hotspot(area=area, reason=reason, declared_on=declared_on, decision_number=decision_number)
        hotspot.full_clean()
        hotspot.save()
        for spec in tasks:
            task = HotspotTask(hotspot=hotspot, **spec)
            task.full_clean()
            task.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=hotspot, area=area, label=decision_number)
    return hotspot


def hotspot_task_add(*, actor: Actor, hotspot: Hotspot, text: str, due_on: date | None = None) -> HotspotTask:
    if not permissions.can_edit_hotspot(actor, hotspot):
        raise PermissionDenied(_("Bạn không quản lý địa bàn này."))
    if hotspot.status == HotspotStatus.TRANSFORMED:
        raise ValidationError(_("Địa bàn đã được công nhận chuyển hóa: kế hoạch đã khép lại."))
    with transaction.atomic():
        task = HotspotTask(hotspot=hotspot, text=text.strip(), due_on=due_on)
        task.full_clean()
        task.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=task, area=hotspot.area, label="task")
    return task


def hotspot_task_done(*, actor: Actor, task: HotspotTask, done_on: date) -> HotspotTask:
    if not permissions.can_edit_hotspot(actor, task.hotspot):
        raise PermissionDenied(_("Bạn không quản lý địa bàn này."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Ngày hoàn thành không được sau hôm nay.")})
    if done_on < task.hotspot.declared_on:
        raise ValidationError({"done_on": _("Ngày hoàn thành trước ngày xác định địa bàn trọng điểm.")})
    with transaction.atomic():
        task.done_on = done_on
        task.full_clean()
        task.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, area=task.hotspot.area, label="done")
    return task


def hotspot_transform(*, actor: Actor, hotspot: Hotspot, on: date, decision_number: str) -> Hotspot:
    """Recognised as transformed: every task of its plan done, by decision."""
    if not permissions.can_transform_hotspot(actor, hotspot):
        raise PermissionDenied(_("Chỉ cấp tỉnh công nhận chuyển hóa."))
    if hotspot.tasks.filter(done_on__isnull=True).exists():
        raise ValidationError(_("Kế hoạch chuyển hóa còn nhiệm vụ chưa hoàn thành."))
    if not decision_number.strip():
        raise ValidationError({"transformed_decision": _("Ghi số quyết định công nhận.")})
    if on < hotspot.declared_on:
        raise ValidationError({"transformed_on": _("Ngày công nhận trước ngày xác định địa bàn.")})
    with transaction.atomic():
        hotspot.status, hotspot.transformed_on = HotspotStatus.TRANSFORMED, on
        hotspot.transformed_decision = decision_number.strip()
        hotspot.full_clean()
        hotspot.save()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=hotspot, area=hotspot.area, label="transformed"
        )
    return hotspot


# --- the statutory team's yearly rating ---------------------------------------------------


def rules_for(area: Area) -> RatingRules:
    province = area.province if area.level != Level.PROVINCE else area
    rules = RatingRules.objects.filter(province=province).first()
    return rules or RatingRules(province=province)


def rating_rules_update(
    *, actor: Actor, province: Area, excellent_quota_percent: int, min_active_months: int
) -> RatingRules:
    if not permissions.can_edit_rules(actor, province):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa quy tắc xếp loại."))
    if province.level != Level.PROVINCE:
        raise ValidationError(_("Quy tắc xếp loại đặt cho từng tỉnh."))
    if not 0 <= excellent_quota_percent <= 100:
        raise ValidationError({"excellent_quota_percent": _("Tỷ lệ phải từ 0 đến 100%.")})
    if not 1 <= min_active_months <= 12:
        raise ValidationError({"min_active_months": _("Số tháng phải từ 1 đến 12.")})
    with transaction.atomic():
        rules = RatingRules.objects.filter(province=province).first() or RatingRules(province=province)
        rules.excellent_quota_percent, rules.min_active_months = excellent_quota_percent, min_active_months
        rules.full_clean()
        rules.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=rules,
            area=province,
            label="rating_rules",
            details={
                "excellent_quota_percent": excellent_quota_percent,
                "min_active_months": min_active_months,
            },
        )
    return rules


def _months_active(membership: Membership, year: int) -> float:
    start, end = rating_period(year)
    first = max(start, membership.start_on)
    last = min(end, membership.end_on or end)
    return max(0, (last - first).days + 1) / (365 / 12)


def _quota_check(team: Team, year: int, membership: Membership | None, rules: RatingRules) -> None:
    """The "xuất sắc" level at most `excellent_quota_percent` of those rated in the commune (members and
    teams counted separately), rounded down."""
    commune = team.home_area
    same = Rating.objects.filter(team__home_area=commune, year=year, membership__isnull=membership is None)
    if membership is None:
        pool = Team.objects.filter(home_area=commune, type__is_statutory=True).count()
    else:
        start, end = rating_period(year)
        pool = (
            Membership.objects.filter(
                team__home_area=commune, team__type__is_statutory=True, start_on__lte=end
            )
            .exclude(end_on__lt=start)
            .count()
        )
    allowed = math.floor(pool * rules.excellent_quota_percent / 100)
    taken = same.filter(level=RatingLevel.EXCELLENT).exclude(team=team, membership=membership).count()
    if taken + 1 > allowed:
        raise ValidationError(
            {
                "level": _("Vượt tỷ lệ “hoàn thành xuất sắc” (%(p)s%%: tối đa %(n)s).")
                % {"p": rules.excellent_quota_percent, "n": allowed}
            }
        )


def rating_record(
    *,
    actor: Actor,
    team: Team,
    year: int,
    level: str,
    decision_number: str,
    membership: Membership | None = None,
    under_complaint: bool = False,
    decided_on: date | None = None,
) -> Rating:
    """Rate a statutory team (no membership) or one of its members for the period ending
    14/11 of `year`. Empty `level` records "not rated"; the rules refuse a level for a
    member active under the minimum months or under complaint, a leader above the team,
    and "xuất sắc" beyond the quota."""
    if not permissions.can_rate_team(actor, team):
        raise PermissionDenied(_("Bạn không xếp loại tổ của xã này."))
    if not team.type.is_statutory:
        raise ValidationError(_("Chỉ xếp loại Tổ bảo vệ ANTT ở cơ sở."))
    if membership is not None and membership.team_id != team.pk:
        raise ValidationError(_("Người này không thuộc tổ."))
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Ghi số quyết định xếp loại.")})
    if level and level not in RatingLevel.values:
        raise ValidationError({"level": _("Mức xếp loại không hợp lệ.")})
    rules = rules_for(team.home_area)
    reason = ""
    if membership is not None:
        if under_complaint:
            reason = _("Đang có khiếu nại")
        elif _months_active(membership, year) < rules.min_active_months:
            reason = _("Hoạt động dưới %(n)s tháng trong năm") % {"n": rules.min_active_months}
        if reason and level:
            raise ValidationError({"level": _("Không xếp loại: %(r)s.") % {"r": reason}})
        if level and membership.role == "leader":
            team_rating = Rating.objects.filter(team=team, year=year, membership__isnull=True).first()
            if team_rating is None or not team_rating.level:
                raise ValidationError({"level": _("Xếp loại tổ trước khi xếp loại tổ trưởng.")})
            if RATING_RANK[RatingLevel(level)] > RATING_RANK[RatingLevel(team_rating.level)]:
                raise ValidationError({"level": _("Tổ trưởng không được xếp loại cao hơn tổ.")})
    if not level and not reason:
        raise ValidationError({"level": _("Chọn mức xếp loại.")})
    with transaction.atomic():
        if level == RatingLevel.EXCELLENT:
            _quota_check(team, year, membership, rules)
        rating = Rating.objects.filter(team=team, year=year, membership=membership).first() or Rating(
            team=team, year=year, membership=membership
        )
        rating.level, rating.not_rated_reason, rating.under_complaint = level, reason, under_complaint
        rating.decision_number, rating.decided_on = (
            decision_number.strip(),
            decided_on or timezone.localdate(),
        )
        rating.full_clean(validate_constraints=False)
        rating.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=rating,
            area=team.home_area,
            label=str(year),
            details={"level": level or "not_rated"},
        )
    return rating


def rating_commend(
    *, actor: Actor, rating: Rating, level: str, decision_number: str, awarded_on: date
) -> Commendation:
    """Record the commendation decided for an excellent rating, in the registry."""
    if not permissions.can_rate_team(actor, rating.team):
        raise PermissionDenied(_("Bạn không quản lý tổ này."))
    if rating.level != RatingLevel.EXCELLENT:
        raise ValidationError(_("Chỉ đề nghị khen thưởng khi “hoàn thành xuất sắc nhiệm vụ”."))
    with transaction.atomic():
        commendation = Commendation(
            person=rating.membership.person if rating.membership else None,
            team=None if rating.membership else rating.team,
            awarded_on=awarded_on,
            level=level,
            decision_number=decision_number,
            reason=_("Hoàn thành xuất sắc nhiệm vụ năm %(y)s") % {"y": rating.year},
        )
        commendation.full_clean()
        commendation.save()
        rating.commendation = commendation
        rating.save(update_fields=["commendation"])
        audit_record(actor=actor, action=AuditAction.CREATE, obj=commendation, area=rating.team.home_area)
    return commendation


def result_commend(
    *, actor: Actor, result: Result, level: str, decision_number: str, awarded_on: date
) -> Result:
    """Record the commendation decided for a subject that met the standard in an approved round."""
    rnd = result.round
    if not permissions.can_enter_round(actor, rnd):
        raise PermissionDenied(_("Bạn không quản lý đánh giá của xã này."))
    if rnd.status != RoundStatus.APPROVED or result.outcome != Outcome.MET:
        raise ValidationError(_("Chỉ khen thưởng kết quả “đạt” của đợt đánh giá đã phê duyệt."))
    if level not in CommendationLevel.values:
        raise ValidationError({"level": _("Chọn cấp khen.")})
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Ghi số quyết định khen thưởng.")})
    with transaction.atomic():
        result.commendation_level, result.commendation_decision = level, decision_number.strip()
        result.commended_on = awarded_on
        result.full_clean()
        result.save(update_fields=["commendation_level", "commendation_decision", "commended_on"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=result, area=rnd.commune, label="commended")
    return result


# --- grading the voluntary models' teams ------------------------------------------------------

OUTCOME_KINDS = ("arrest", "tip", "mediation", "items", "incident")


def grading_rules_for(area: Area) -> GradingRules:
    province = area.province if area.level != Level.PROVINCE else area
    return GradingRules.objects.filter(province=province).first() or GradingRules(province=province)


def grading_rules_update(
    *,
    actor: Actor,
    province: Area,
    good_per_month: Decimal,
    good_months: int,
    fair_per_month: Decimal,
    fair_months: int,
    average_per_month: Decimal,
) -> GradingRules:
    """Thresholds only ever apply to grades computed after the change: a grade already given
    keeps the reason it was given with."""
    if not permissions.can_edit_rules(actor, province):
        raise PermissionDenied(_("Chỉ quản trị tỉnh sửa ngưỡng xếp loại."))
    if province.level != Level.PROVINCE:
        raise ValidationError(_("Ngưỡng xếp loại đặt cho từng tỉnh."))
    if not good_per_month >= fair_per_month >= average_per_month:
        raise ValidationError(
            {"fair_per_month": _("Số hoạt động/tháng phải giảm dần: tốt ≥ khá ≥ trung bình.")}
        )
    if good_months < fair_months:
        raise ValidationError({"fair_months": _("Số tháng có hoạt động của “khá” không vượt “tốt”.")})
    for field, months in (("good_months", good_months), ("fair_months", fair_months)):
        if not 0 <= months <= 12:
            raise ValidationError({field: _("Số tháng phải từ 0 đến 12.")})
    with transaction.atomic():
        rules = GradingRules.objects.filter(province=province).first() or GradingRules(province=province)
        rules.good_per_month, rules.good_months = good_per_month, good_months
        rules.fair_per_month, rules.fair_months = fair_per_month, fair_months
        rules.average_per_month = average_per_month
        rules.full_clean()
        rules.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=rules, area=province, label="grading_rules")
    return rules


def grade_from_journal(team: Team, year: int) -> tuple[str, str]:
    """The grade the verified journal of the calendar year supports, and why."""
    rules = grading_rules_for(team.home_area)
    entries = Entry.objects.filter(team=team, status=EntryStatus.VERIFIED, occurred_on__year=year)
    count = entries.count()
    months = entries.dates("occurred_on", "month").count()
    outcomes = entries.filter(kind__in=OUTCOME_KINDS).count()
    per_month = Decimal(count) / 12
    if per_month >= rules.good_per_month and months >= rules.good_months:
        grade = Grade.GOOD
    elif per_month >= rules.fair_per_month and months >= rules.fair_months:
        grade = Grade.FAIR
    elif per_month >= rules.average_per_month:
        grade = Grade.AVERAGE
    else:
        grade = Grade.WEAK
    reason = _(
        "%(n)s hoạt động đã xác minh (%(p)s/tháng), có hoạt động %(m)s/12 tháng, %(o)s kết quả"
        " (bắt giữ, tin báo, hòa giải, thu hồi, xử lý sự việc)"
    ) % {"n": count, "p": f"{per_month:.1f}".replace(".", ","), "m": months, "o": outcomes}
    return grade, reason


def team_grade(*, actor: Actor, team: Team, year: int, grade: str = "", note: str = "") -> TeamGrade:
    """Grade a voluntary team for the year: the journal's grade unless the officer decides
    otherwise, which needs a note."""
    if not permissions.can_rate_team(actor, team):
        raise PermissionDenied(_("Bạn không xếp loại tổ của xã này."))
    if team.type.is_statutory:
        raise ValidationError(_("Tổ bảo vệ ANTT được xếp loại theo mức hoàn thành nhiệm vụ."))
    computed, reason = grade_from_journal(team, year)
    if grade and grade not in Grade.values:
        raise ValidationError({"grade": _("Mức xếp loại không hợp lệ.")})
    if grade and grade != computed and not note.strip():
        raise ValidationError({"note": _("Ghi nhận xét khi xếp loại khác kết quả theo nhật ký.")})
    with transaction.atomic():
        row = TeamGrade.objects.filter(team=team, year=year).first() or TeamGrade(team=team, year=year)
        row.computed, row.grade, row.reason, row.note = computed, grade or computed, reason, note.strip()
        row.graded_by = acting_user(actor)
        row.full_clean()
        row.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=row,
            area=team.home_area,
            label=str(year),
            details={"grade": row.grade},
        )
    return row
