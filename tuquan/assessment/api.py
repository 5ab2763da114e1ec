"""The assessment over JSON: criteria sets, rounds with their results, and the province's
decision on a proposed round; scoped like the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from tuquan.assessment import permissions, selectors, services
from tuquan.assessment.models import CriteriaSet, Hotspot, Round, Unit
from tuquan.core.api import area_of
from tuquan.core.models import Area

router = Router(tags=["Đánh giá"])


class CriterionOut(Schema):
    code: str
    text: str
    check_kind: str
    threshold: str | None
    at_most: bool
    indicator: str


class CriteriaSetOut(Schema):
    code: str
    version: int
    name: str
    legal_basis: str
    subject_kind: str
    status: str
    window_end: str = Field(..., description="Ngày kết thúc kỳ đánh giá, dd/mm")
    deadline: str = Field(..., description="Hạn nộp hồ sơ, dd/mm")
    criteria: list[CriterionOut]

    @staticmethod
    def of(cs: CriteriaSet) -> CriteriaSetOut:
        return CriteriaSetOut(
            code=cs.code,
            version=cs.version,
            name=cs.name,
            legal_basis=cs.legal_basis,
            subject_kind=cs.subject_kind,
            status=cs.status,
            window_end=f"{cs.window_end_day:02d}/{cs.window_end_month:02d}",
            deadline=f"{cs.deadline_day:02d}/{cs.deadline_month:02d}",
            criteria=[
                CriterionOut(
                    code=c.code,
                    text=c.text,
                    check_kind=c.check_kind,
                    threshold=None if c.threshold is None else str(c.threshold),
                    at_most=c.at_most,
                    indicator=c.indicator,
                )
                for c in cs.criteria.all()
            ],
        )


class ResultOut(Schema):
    uid: UUID
    area_id: str | None
    unit: str | None
    outcome: str
    grade: str
    answers: dict[str, Any]


class RoundOut(Schema):
    uid: UUID
    criteria_set: str
    version: int
    subject_kind: str
    commune_id: str
    year: int
    status: str
    locked: bool
    decision_number: str
    decision_date: date | None
    approved_at: datetime | None
    note: str
    results: list[ResultOut] | None = None

    @staticmethod
    def of(r: Round, *, full: bool = False) -> RoundOut:
        return RoundOut(
            uid=r.uid,
            criteria_set=r.criteria_set.code,
            version=r.criteria_set.version,
            subject_kind=r.criteria_set.subject_kind,
            commune_id=r.commune.ident,
            year=r.year,
            status=r.status,
            locked=r.locked,
            decision_number=r.decision_number,
            decision_date=r.decision_date,
            approved_at=r.approved_at,
            note=r.note,
            results=[
                ResultOut(
                    uid=x.uid,
                    area_id=x.area.ident if x.area else None,
                    unit=x.unit.name if x.unit else None,
                    outcome=x.outcome,
                    grade=x.grade,
                    answers=x.answers,
                )
                for x in selectors.round_results(r)
            ]
            if full
            else None,
        )


class DecisionIn(Schema):
    action: str = Field(..., description='"approve", "return" hoặc "reopen"')
    decision_number: str = ""
    decision_date: date | None = None
    reason: str = ""


@router.get("/criteria-sets", response=list[CriteriaSetOut])
def criteria_set_list(request: HttpRequest, all: bool = False) -> list[CriteriaSetOut]:
    return [CriteriaSetOut.of(cs) for cs in selectors.criteria_sets(active_only=not all)]


@router.get("/rounds", response=list[RoundOut])
def round_list(request: HttpRequest, year: int | None = None, status: str = "") -> list[RoundOut]:
    return [RoundOut.of(r) for r in selectors.round_list(request.user, year=year, status=status)[:1000]]


@router.get("/rounds/{uid}", response=RoundOut)
def round_get(request: HttpRequest, uid: UUID) -> RoundOut:
    return RoundOut.of(selectors.round_get_for_user(request.user, uid), full=True)


@router.post("/rounds/{uid}/decision", response=RoundOut)
def round_decision(request: HttpRequest, uid: UUID, body: DecisionIn) -> RoundOut:
    from django.core.exceptions import ValidationError

    rnd = selectors.round_get_for_user(request.user, uid, may=permissions.can_approve_round)
    if body.action == "approve":
        rnd = services.round_approve(
            actor=request.user,
            round=rnd,
            decision_number=body.decision_number,
            decision_date=body.decision_date,
        )
    elif body.action == "return":
        rnd = services.round_return(actor=request.user, round=rnd, reason=body.reason)
    elif body.action == "reopen":
        rnd = services.round_reopen(actor=request.user, round=rnd, reason=body.reason)
    else:
        raise ValidationError({"action": "approve | return | reopen"})
    return RoundOut.of(rnd, full=True)


class TeamGradeOut(Schema):
    team: UUID
    team_name: str
    commune_id: str
    year: int
    grade: str
    computed: str = Field(..., description="Xếp loại theo nhật ký đã xác minh")
    reason: str
    note: str


class TeamRef(Schema):
    uid: UUID
    name: str
    commune_id: str


@router.get("/team-grades", response=list[TeamGradeOut])
def team_grade_list(request: HttpRequest, year: int, grade: str = "") -> list[TeamGradeOut]:
    return [
        TeamGradeOut(
            team=g.team.uid,
            team_name=g.team.name,
            commune_id=g.team.home_area.ident,
            year=g.year,
            grade=g.grade,
            computed=g.computed,
            reason=g.reason,
            note=g.note,
        )
        for g in selectors.team_grades(request.user, year=year, grade=grade)[:2000]
    ]


@router.get("/paper-only", response=list[TeamRef])
def paper_only_list(request: HttpRequest) -> list[TeamRef]:
    return [
        TeamRef(uid=t.uid, name=t.name, commune_id=t.home_area.ident)
        for t in selectors.paper_only(request.user)
    ]


class ResultIn(Schema):
    area_id: str = Field(
        "", description='Thôn hoặc xã được đánh giá, ví dụ "04099.1"; để trống khi là đơn vị'
    )
    unit: UUID | None = Field(None, description="Đơn vị (cơ quan, doanh nghiệp, trường học) đã đăng ký")
    answers: dict[str, Any] = Field(default_factory=dict, description="Mã tiêu chí → true/false hoặc số")
    evidence: str = ""
    grade: str = ""


@router.post("/rounds/{uid}/results", response=RoundOut)
def round_result(request: HttpRequest, uid: UUID, body: ResultIn) -> RoundOut:
    """The commune's proposed result for one subject (refused once the round is sent)."""
    from django.core.exceptions import ValidationError

    from tuquan.assessment.models import RoundStatus, Unit

    rnd = selectors.round_get_for_user(request.user, uid, may=permissions.can_enter_round)
    if rnd.status in (RoundStatus.PROPOSED, RoundStatus.APPROVED):
        raise ValidationError(_("Đợt đánh giá đã gửi hoặc đã phê duyệt: không sửa được."))
    area = (
        Area.objects.filter(ident=body.area_id, path__startswith=rnd.commune.path).first()
        if body.area_id
        else None
    )
    unit = Unit.objects.filter(uid=body.unit, commune=rnd.commune).first() if body.unit else None
    services.result_record(
        actor=request.user,
        round=rnd,
        area=area,
        unit=unit,
        answers=body.answers,
        evidence=body.evidence,
        grade=body.grade,
    )
    return RoundOut.of(rnd, full=True)


@router.post("/rounds/{uid}/propose", response=RoundOut)
def round_propose(request: HttpRequest, uid: UUID) -> RoundOut:
    rnd = selectors.round_get_for_user(request.user, uid, may=permissions.can_enter_round)
    return RoundOut.of(services.round_propose(actor=request.user, round=rnd), full=True)


# --- writes of the commune's data entry ------------------------------------------------------


class RoundIn(Schema):
    criteria_set: str = Field(..., description='Mã bộ tiêu chí đang áp dụng, ví dụ "antt-khu-dan-cu"')
    commune_id: str = Field(..., description='Mã xã, ví dụ "04099"')
    year: int


@router.post("/rounds", response=RoundOut)
def round_open(request: HttpRequest, body: RoundIn) -> RoundOut:
    """Open the commune's round for the active version of a criteria set."""
    from django.http import Http404

    criteria_set = selectors.criteria_sets().filter(code=body.criteria_set).first()
    if criteria_set is None:
        raise Http404
    rnd = services.round_open(
        actor=request.user,
        criteria_set=criteria_set,
        commune=area_of(request, body.commune_id),
        year=body.year,
    )
    return RoundOut.of(rnd, full=True)


class UnitOut(Schema):
    uid: UUID
    commune_id: str
    kind: str
    name: str
    address: str
    active: bool

    @staticmethod
    def of(u: Unit) -> UnitOut:
        return UnitOut(
            uid=u.uid,
            commune_id=u.commune.ident,
            kind=u.kind,
            name=u.name,
            address=u.address,
            active=u.active,
        )


class UnitIn(Schema):
    commune_id: str = Field(..., description='Mã xã, ví dụ "04099"')
    kind: str = Field(..., description='"agency", "enterprise" hoặc "school"')
    name: str
    address: str = ""


class UnitUpdateIn(Schema):
    kind: str
    name: str
    address: str = ""
    active: bool = True


@router.get("/units", response=list[UnitOut])
def unit_list(request: HttpRequest, kind: str = "") -> list[UnitOut]:
    return [UnitOut.of(u) for u in selectors.unit_list(request.user, kind=kind)[:2000]]


@router.post("/units", response=UnitOut)
def unit_create(request: HttpRequest, body: UnitIn) -> UnitOut:
    unit = services.unit_create(
        actor=request.user,
        commune=area_of(request, body.commune_id),
        kind=body.kind,
        name=body.name,
        address=body.address,
    )
    return UnitOut.of(unit)


@router.put("/units/{uid}", response=UnitOut)
def unit_update(request: HttpRequest, uid: UUID, body: UnitUpdateIn) -> UnitOut:
    unit = selectors.unit_get_for_user(request.user, uid, write=True)
    return UnitOut.of(services.unit_update(actor=request.user, unit=unit, **body.dict()))


class TaskOut(Schema):
    id: int
    text: str
    due_on: date | None
    done_on: date | None


class HotspotOut(Schema):
    uid: UUID
    area_id: str
    reason: str
    declared_on: date
    decision_number: str
    status: str
    transformed_on: date | None
    transformed_decision: str
    tasks: list[TaskOut]

    @staticmethod
    def of(h: Hotspot) -> HotspotOut:
        return HotspotOut(
            uid=h.uid,
            area_id=h.area.ident,
            reason=h.reason,
            declared_on=h.declared_on,
            decision_number=h.decision_number,
            status=h.status,
            transformed_on=h.transformed_on,
            transformed_decision=h.transformed_decision,
            tasks=[TaskOut(id=t.pk, text=t.text, due_on=t.due_on, done_on=t.done_on) for t in h.tasks.all()],
        )


@router.get("/hotspots/{uid}", response=HotspotOut)
def hotspot_get(request: HttpRequest, uid: UUID) -> HotspotOut:
    return HotspotOut.of(selectors.hotspot_get_for_user(request.user, uid))


class TaskIn(Schema):
    text: str
    due_on: date | None = None


class TaskDoneIn(Schema):
    done_on: date


@router.post("/hotspots/{uid}/tasks", response=HotspotOut)
def hotspot_task_add(request: HttpRequest, uid: UUID, body: TaskIn) -> HotspotOut:
    hotspot = selectors.hotspot_get_for_user(request.user, uid, may=permissions.can_edit_hotspot)
    services.hotspot_task_add(actor=request.user, hotspot=hotspot, text=body.text, due_on=body.due_on)
    return HotspotOut.of(selectors.hotspot_get_for_user(request.user, uid))


@router.post("/hotspots/{uid}/tasks/{task_id}/done", response=HotspotOut)
def hotspot_task_done(request: HttpRequest, uid: UUID, task_id: int, body: TaskDoneIn) -> HotspotOut:
    hotspot = selectors.hotspot_get_for_user(request.user, uid, may=permissions.can_edit_hotspot)
    task = selectors.hotspot_task_get(hotspot, task_id)
    services.hotspot_task_done(actor=request.user, task=task, done_on=body.done_on)
    return HotspotOut.of(selectors.hotspot_get_for_user(request.user, uid))
