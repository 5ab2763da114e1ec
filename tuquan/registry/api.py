"""The registry's JSON API: model types, teams, people, households, memberships, commitments.

Longer than 600 lines: six routers with their schemas; to be split by router (issue 23).

Thin like the views: parse, look the objects up through the scoped selectors (404 outside
the user's area), call one service (403 when not allowed, 422 when refused), answer.
Areas are given by their contract identifiers ("04099", "04099.1"), other records by uid,
model types by code. Lists answer {"items": [...], "count": N}.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tuquan.core.api import Page, area_of, area_or_none, page_of
from tuquan.registry import selectors, services
from tuquan.registry.models import (
    AttachTo,
    Commitment,
    Household,
    Membership,
    ModelType,
    Person,
    Team,
    TeamStatus,
    TypeKind,
)

model_types_router = Router(tags=["Loại mô hình"])
teams_router = Router(tags=["Tổ, nhóm"])
people_router = Router(tags=["Người"])
households_router = Router(tags=["Hộ gia đình"])
memberships_router = Router(tags=["Thành viên tổ"])

MEMBERSHIP_TAGS = ["Thành viên tổ"]
COMMITMENT_TAGS = ["Cam kết"]

AREA_ID = 'Định danh địa bàn theo hợp đồng chung: xã "04099", thôn "04099.1"'


# --- model types -------------------------------------------------------------------------


class LabelledCode(Schema):
    code: str
    label: str


class ModelTypeOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    attaches_to: str
    roles: list[LabelledCode]
    has_subteams: bool
    journal_kinds: list[str]
    extra_indicators: list[LabelledCode]
    is_statutory: bool
    is_builtin: bool
    province_id: str | None = Field(None, description="Null: danh mục dùng chung toàn quốc")
    is_active: bool
    description: str

    @staticmethod
    def of(t: ModelType) -> ModelTypeOut:
        return ModelTypeOut(
            code=t.code,
            name=t.name,
            short_name=t.short_name,
            kind=t.kind,
            attaches_to=t.attaches_to,
            roles=t.roles,
            has_subteams=t.has_subteams,
            journal_kinds=t.journal_kinds,
            extra_indicators=t.extra_indicators,
            is_statutory=t.is_statutory,
            is_builtin=t.is_builtin,
            province_id=t.province.ident if t.province_id and t.province else None,
            is_active=t.is_active,
            description=t.description,
        )


class ModelTypeList(Schema):
    items: list[ModelTypeOut]
    count: int


class ModelTypeFilter(Page):
    q: str = Field("", description="Tìm theo tên hoặc mã")
    kind: TypeKind | None = None
    include_inactive: bool = False


class ModelTypeIn(Schema):
    province_id: str | None = Field(None, description='Tỉnh dùng loại này ("14"); bỏ trống: toàn quốc')
    code: str = Field(..., description="Mã không dấu, nối bằng gạch ngang")
    name: str
    short_name: str = ""
    kind: TypeKind = TypeKind.TEAM
    attaches_to: AttachTo = AttachTo.VILLAGE
    roles: list[LabelledCode] = Field(..., description="Vai trò trong tổ: trưởng, phó, thành viên…")
    has_subteams: bool = False
    journal_kinds: list[str] = []
    extra_indicators: list[LabelledCode] = []
    description: str = ""


class ModelTypePatch(Schema):
    name: str = ""
    short_name: str = ""
    kind: TypeKind = TypeKind.TEAM
    attaches_to: AttachTo = AttachTo.VILLAGE
    roles: list[LabelledCode] = []
    has_subteams: bool = False
    journal_kinds: list[str] = []
    extra_indicators: list[LabelledCode] = []
    description: str = ""
    is_active: bool = True


@model_types_router.get("", response=ModelTypeList, summary="Danh mục loại mô hình bạn dùng được")
def model_type_list(request: HttpRequest, filters: Query[ModelTypeFilter]) -> dict[str, Any]:
    qs = selectors.model_type_list(
        request.user, q=filters.q, kind=filters.kind or "", include_inactive=filters.include_inactive
    )
    return page_of(qs, filters, ModelTypeOut.of)


@model_types_router.get("/{code}", response=ModelTypeOut, summary="Một loại mô hình theo mã")
def model_type_get(request: HttpRequest, code: str) -> ModelTypeOut:
    return ModelTypeOut.of(selectors.model_type_get_for_user(request.user, code))


@model_types_router.post("", response={201: ModelTypeOut}, summary="Thêm loại mô hình (quản trị tỉnh)")
def model_type_create(request: HttpRequest, payload: ModelTypeIn) -> Status[ModelTypeOut]:
    province = area_or_none(request, payload.province_id or "")
    data = payload.model_dump(exclude={"province_id"})
    created = services.model_type_create(actor=request.user, province=province, **data)
    return Status(201, ModelTypeOut.of(created))


@model_types_router.patch("/{code}", response=ModelTypeOut, summary="Sửa loại mô hình")
def model_type_update(request: HttpRequest, code: str, payload: ModelTypePatch) -> ModelTypeOut:
    model_type = selectors.model_type_get_for_user(request.user, code, write=True)
    services.model_type_update(
        actor=request.user, model_type=model_type, **payload.model_dump(exclude_unset=True)
    )
    return ModelTypeOut.of(model_type)


# --- teams -------------------------------------------------------------------------------


class TeamOut(Schema):
    uid: UUID
    name: str
    type: str = Field(..., description="Mã loại mô hình")
    home_area_id: str = Field(..., description="Xã quản lý (xã đề xuất, duy nhất được sửa tổ)")
    area_ids: list[str] = Field(..., description="Các địa bàn hoạt động")
    parent: UUID | None
    status: str
    established_on: date | None
    decision_number: str
    decision_date: date | None
    decision_body: str
    notes: str
    member_count: int = Field(..., description="Số thành viên đang trong tổ hôm nay")

    @staticmethod
    def of(t: Team) -> TeamOut:
        """`t` comes from `selectors.team_list` (areas prefetched, members counted)."""
        return TeamOut(
            uid=t.uid,
            name=t.name,
            type=t.type.code,
            home_area_id=t.home_area.ident,
            area_ids=sorted(a.ident for a in t.areas.all()),
            parent=t.parent.uid if t.parent_id and t.parent else None,
            status=t.status,
            established_on=t.established_on,
            decision_number=t.decision_number,
            decision_date=t.decision_date,
            decision_body=t.decision_body,
            notes=t.notes,
            member_count=getattr(t, "member_count", 0),
        )


class TeamList(Schema):
    items: list[TeamOut]
    count: int


class TeamFilter(Page):
    area: str = Field("", description=f"{AREA_ID}: tổ hoạt động ở địa bàn này")
    type: str = Field("", description="Mã loại mô hình")
    status: TeamStatus | None = None
    q: str = Field("", description="Tìm theo tên, không dấu")


class TeamIn(Schema):
    type: str = Field(..., description="Mã loại mô hình")
    name: str
    home_area_id: str = Field(..., description='Xã quản lý, ví dụ "04099"')
    area_ids: list[str] = Field([], description='Địa bàn hoạt động: thôn "04099.1", hoặc xã')
    parent: UUID | None = Field(None, description="Tổ cha (mô hình có tổ con)")
    status: TeamStatus = TeamStatus.PROPOSED
    status_on: date | None = None
    established_on: date | None = None
    decision_number: str = ""
    decision_date: date | None = None
    decision_body: str = ""
    notes: str = ""


class TeamPatch(Schema):
    name: str = ""
    area_ids: list[str] = []
    established_on: date | None = None
    decision_number: str = ""
    decision_date: date | None = None
    decision_body: str = ""
    notes: str = ""


class TeamStatusIn(Schema):
    status: TeamStatus
    on: date
    reason: str


def _team_out(request: HttpRequest, team: Team) -> TeamOut:
    return TeamOut.of(selectors.team_list(request.user).select_related("parent").get(pk=team.pk))


@teams_router.get("", response=TeamList, summary="Danh sách tổ, nhóm trong địa bàn của bạn")
def team_list(request: HttpRequest, filters: Query[TeamFilter]) -> dict[str, Any]:
    qs = selectors.team_list(
        request.user,
        area=area_or_none(request, filters.area),
        type_code=filters.type,
        status=filters.status or "",
        q=filters.q,
    ).select_related("parent")
    return page_of(qs, filters, TeamOut.of)


@teams_router.get("/{uid}", response=TeamOut, summary="Một tổ, nhóm")
def team_get(request: HttpRequest, uid: UUID) -> TeamOut:
    return _team_out(request, selectors.team_get_for_user(request.user, uid))


@teams_router.post("", response={201: TeamOut}, summary="Lập tổ (cán bộ xã quản lý)")
def team_create(request: HttpRequest, payload: TeamIn) -> Status[TeamOut]:
    home = area_of(request, payload.home_area_id)
    areas = [area_of(request, ident) for ident in payload.area_ids]
    model_type = selectors.model_type_get_for_user(request.user, payload.type)
    parent = selectors.team_get_for_user(request.user, payload.parent) if payload.parent else None
    data = payload.model_dump(exclude={"type", "home_area_id", "area_ids", "parent"})
    team = services.team_create(
        actor=request.user, model_type=model_type, home_area=home, areas=areas, parent=parent, **data
    )
    return Status(201, _team_out(request, team))


@teams_router.patch("/{uid}", response=TeamOut, summary="Sửa tổ (chỉ xã quản lý)")
def team_update(request: HttpRequest, uid: UUID, payload: TeamPatch) -> TeamOut:
    team = selectors.team_get_for_user(request.user, uid, write=True)
    fields = payload.model_dump(exclude_unset=True)
    idents = fields.pop("area_ids", None)
    areas = [area_of(request, ident) for ident in idents] if idents is not None else None
    services.team_update(actor=request.user, team=team, areas=areas, **fields)
    return _team_out(request, team)


@teams_router.post("/{uid}/status", response=TeamOut, summary="Đổi tình trạng tổ (kèm ngày và lý do)")
def team_status(request: HttpRequest, uid: UUID, payload: TeamStatusIn) -> TeamOut:
    team = selectors.team_get_for_user(request.user, uid, write=True)
    services.team_set_status(
        actor=request.user, team=team, status=payload.status, on=payload.on, reason=payload.reason
    )
    return _team_out(request, team)


# --- people ------------------------------------------------------------------------------


class PersonOut(Schema):
    """What lists show: never the ID number, ethnicity, religion or phone."""

    uid: UUID
    full_name: str
    gender: str
    birth_year: int | None
    birth_date: date | None
    education: str
    area_id: str
    household: UUID | None
    resident_since: date | None

    @staticmethod
    def of(p: Person) -> PersonOut:
        return PersonOut(**_person_fields(p))


def _person_fields(p: Person) -> dict[str, Any]:
    return {
        "uid": p.uid,
        "full_name": p.full_name,
        "gender": p.gender,
        "birth_year": p.birth_year,
        "birth_date": p.birth_date,
        "education": p.education,
        "area_id": p.area.ident,
        "household": p.household.uid if p.household_id and p.household else None,
        "resident_since": p.resident_since,
    }


class PersonDetailOut(PersonOut):
    """One person; the sensitive fields are filled only for roles allowed to read them
    (each such read is written to the audit log), otherwise null."""

    national_id: str | None
    ethnicity: str | None
    religion: str | None
    phone: str | None


class PersonList(Schema):
    items: list[PersonOut]
    count: int


class PeopleFilter(Page):
    area: str = Field("", description=f"{AREA_ID}: người sống ở địa bàn này")
    q: str = Field("", description="Tìm theo họ tên, không dấu: “lo van to”")


GENDER = 'Giới tính: "male", "female" hoặc bỏ trống'
EDUCATION = 'Trình độ: "none", "primary", "lower_secondary", "upper_secondary", "higher"'


class PersonIn(Schema):
    area_id: str = Field(..., description=f"{AREA_ID}: nơi ở")
    full_name: str
    gender: str = Field("", description=GENDER)
    birth_year: int | None = None
    birth_date: date | None = None
    national_id: str = ""
    ethnicity: str = ""
    religion: str = ""
    phone: str = ""
    education: str = Field("", description=EDUCATION)
    resident_since: date | None = None
    household: UUID | None = None
    allow_duplicate: bool = Field(False, description="Vẫn thêm khi trùng tên, năm sinh, thôn với người đã có")


class PersonPatch(Schema):
    area_id: str = ""
    full_name: str = ""
    gender: str = Field("", description=GENDER)
    birth_year: int | None = None
    birth_date: date | None = None
    national_id: str = ""
    ethnicity: str = ""
    religion: str = ""
    phone: str = ""
    education: str = Field("", description=EDUCATION)
    resident_since: date | None = None
    household: UUID | None = Field(None, description="Hộ; null để bỏ khỏi hộ")


@people_router.get(
    "", response=PersonList, summary="Tìm người (không có số định danh, dân tộc, tôn giáo, điện thoại)"
)
def person_list(request: HttpRequest, filters: Query[PeopleFilter]) -> dict[str, Any]:
    qs = selectors.person_list(request.user, area=area_or_none(request, filters.area), q=filters.q)
    return page_of(qs, filters, PersonOut.of)


@people_router.get(
    "/{uid}", response=PersonDetailOut, summary="Một người (thông tin nhạy cảm theo vai trò, có ghi nhật ký)"
)
def person_get(request: HttpRequest, uid: UUID) -> PersonDetailOut:
    person = selectors.person_get_for_user(request.user, uid)
    identity = selectors.person_identity_for(request.user, person) or {}
    return PersonDetailOut(
        **_person_fields(person),
        national_id=identity.get("national_id"),
        ethnicity=identity.get("ethnicity"),
        religion=identity.get("religion"),
        phone=identity.get("phone"),
    )


@people_router.post("", response={201: PersonOut}, summary="Thêm người")
def person_create(request: HttpRequest, payload: PersonIn) -> Status[PersonOut]:
    area = area_of(request, payload.area_id)
    household = (
        selectors.household_get_for_user(request.user, payload.household) if payload.household else None
    )
    data = payload.model_dump(exclude={"area_id", "household", "full_name", "allow_duplicate"})
    person = services.person_create(
        actor=request.user,
        full_name=payload.full_name,
        area=area,
        household=household,
        allow_duplicate=payload.allow_duplicate,
        **data,
    )
    return Status(201, PersonOut.of(person))


@people_router.patch("/{uid}", response=PersonOut, summary="Sửa thông tin một người")
def person_update(request: HttpRequest, uid: UUID, payload: PersonPatch) -> PersonOut:
    person = selectors.person_get_for_user(request.user, uid, write=True)
    fields = payload.model_dump(exclude_unset=True)
    area = area_of(request, fields.pop("area_id")) if "area_id" in fields else None
    household: Any = ...
    if "household" in fields:
        wanted = fields.pop("household")
        household = selectors.household_get_for_user(request.user, wanted) if wanted else None
    services.person_update(actor=request.user, person=person, area=area, household=household, **fields)
    return PersonOut.of(person)


# --- households --------------------------------------------------------------------------


class HouseholdOut(Schema):
    uid: UUID
    area_id: str
    address: str
    head: UUID | None
    head_name: str

    @staticmethod
    def of(h: Household) -> HouseholdOut:
        return HouseholdOut(**_household_fields(h))


def _household_fields(h: Household) -> dict[str, Any]:
    return {
        "uid": h.uid,
        "area_id": h.area.ident,
        "address": h.address,
        "head": h.head.uid if h.head_id and h.head else None,
        "head_name": h.head.full_name if h.head_id and h.head else "",
    }


class MemberOut(Schema):
    uid: UUID
    full_name: str


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]


class HouseholdList(Schema):
    items: list[HouseholdOut]
    count: int


class HouseholdFilter(Page):
    area: str = Field("", description=f"{AREA_ID}: hộ ở địa bàn này")
    q: str = Field("", description="Tìm theo tên chủ hộ (không dấu) hoặc địa chỉ")


class HouseholdIn(Schema):
    area_id: str = Field(..., description=AREA_ID)
    address: str = ""
    head: UUID | None = Field(None, description="Chủ hộ (uid của người)")
    members: list[UUID] = Field([], description="Các thành viên khác của hộ")


class HouseholdPatch(Schema):
    address: str = ""
    head: UUID | None = None


@households_router.get("", response=HouseholdList, summary="Tìm hộ gia đình")
def household_list(request: HttpRequest, filters: Query[HouseholdFilter]) -> dict[str, Any]:
    qs = selectors.household_list(request.user, area=area_or_none(request, filters.area), q=filters.q)
    return page_of(qs, filters, HouseholdOut.of)


@households_router.get("/{uid}", response=HouseholdDetailOut, summary="Một hộ gia đình, với các thành viên")
def household_get(request: HttpRequest, uid: UUID) -> HouseholdDetailOut:
    household = selectors.household_get_for_user(request.user, uid)
    members = [
        MemberOut(uid=p.uid, full_name=p.full_name)
        for p in selectors.household_members(request.user, household)
    ]
    return HouseholdDetailOut(**_household_fields(household), members=members)


@households_router.post("", response={201: HouseholdOut}, summary="Thêm hộ gia đình")
def household_create(request: HttpRequest, payload: HouseholdIn) -> Status[HouseholdOut]:
    area = area_of(request, payload.area_id)
    head = selectors.person_get_for_user(request.user, payload.head) if payload.head else None
    members = [selectors.person_get_for_user(request.user, uid) for uid in payload.members]
    household = services.household_create(
        actor=request.user, area=area, address=payload.address, head=head, members=members
    )
    return Status(201, HouseholdOut.of(household))


@households_router.patch("/{uid}", response=HouseholdOut, summary="Sửa địa chỉ, chủ hộ")
def household_update(request: HttpRequest, uid: UUID, payload: HouseholdPatch) -> HouseholdOut:
    household = selectors.household_get_for_user(request.user, uid, write=True)
    fields = payload.model_dump(exclude_unset=True)
    head = household.head
    if "head" in fields:
        head = selectors.person_get_for_user(request.user, fields["head"]) if fields["head"] else None
    services.household_update(
        actor=request.user, household=household, address=fields.get("address", household.address), head=head
    )
    return HouseholdOut.of(household)


# --- memberships ---------------------------------------------------------------------------


class MembershipOut(Schema):
    uid: UUID
    team: UUID
    person: UUID
    person_name: str
    role: str
    start_on: date
    end_on: date | None
    decision_number: str
    decision_date: date | None
    former_force_start: date | None
    former_force_end: date | None
    certificate_number: str
    age_exception: bool
    no_pending_prosecution: bool

    @staticmethod
    def of(m: Membership) -> MembershipOut:
        return MembershipOut(
            uid=m.uid,
            team=m.team.uid,
            person=m.person.uid,
            person_name=m.person.full_name,
            role=m.role,
            start_on=m.start_on,
            end_on=m.end_on,
            decision_number=m.decision_number,
            decision_date=m.decision_date,
            former_force_start=m.former_force_start,
            former_force_end=m.former_force_end,
            certificate_number=m.certificate_number,
            age_exception=m.age_exception,
            no_pending_prosecution=m.no_pending_prosecution,
        )


class MembershipList(Schema):
    items: list[MembershipOut]
    count: int


class MembershipIn(Schema):
    person: UUID = Field(..., description="uid của người")
    role: str = Field(..., description='Mã vai trò trong loại mô hình: "leader", "deputy", "member"…')
    start_on: date
    decision_number: str = Field(
        "", description="Tổ bảo vệ ANTT: số quyết định của Chủ tịch UBND xã (bắt buộc)"
    )
    decision_date: date | None = None
    former_force_start: date | None = None
    former_force_end: date | None = None
    certificate_number: str = ""
    age_exception: bool = False
    no_pending_prosecution: bool = True


class MembershipEnd(Schema):
    end_on: date = Field(..., description="Ngày rời tổ")


@teams_router.get(
    "/{uid}/memberships",
    response=MembershipList,
    tags=MEMBERSHIP_TAGS,
    summary="Thành viên của tổ (những người bạn được xem)",
)
def membership_list(request: HttpRequest, uid: UUID, page: Query[Page]) -> dict[str, Any]:
    team = selectors.team_get_for_user(request.user, uid)
    return page_of(selectors.team_memberships(request.user, team), page, MembershipOut.of)


@teams_router.post(
    "/{uid}/memberships",
    response={201: MembershipOut},
    tags=MEMBERSHIP_TAGS,
    summary="Thêm thành viên (xã quản lý hoặc tổ trưởng)",
)
def membership_add(request: HttpRequest, uid: UUID, payload: MembershipIn) -> Status[MembershipOut]:
    team = selectors.team_get_for_user(request.user, uid, write=True, roster=True)
    person = selectors.person_get_for_user(request.user, payload.person)
    data = payload.model_dump(exclude={"person", "role", "start_on"})
    membership = services.membership_add(
        actor=request.user, team=team, person=person, role=payload.role, start_on=payload.start_on, **data
    )
    return Status(201, MembershipOut.of(membership))


@memberships_router.patch("/{uid}", response=MembershipOut, summary="Cho thành viên rời tổ")
def membership_end(request: HttpRequest, uid: UUID, payload: MembershipEnd) -> MembershipOut:
    membership = selectors.membership_get_for_user(request.user, uid, write=True)
    services.membership_end(actor=request.user, membership=membership, end_on=payload.end_on)
    return MembershipOut.of(membership)


# --- commitments -----------------------------------------------------------------------------


class CommitmentOut(Schema):
    uid: UUID
    household: UUID
    team: UUID = Field(..., description="Chương trình, mô hình mà hộ cam kết")
    team_name: str
    signed_on: date
    note: str

    @staticmethod
    def of(c: Commitment) -> CommitmentOut:
        return CommitmentOut(
            uid=c.uid,
            household=c.household.uid,
            team=c.team.uid,
            team_name=c.team.name,
            signed_on=c.signed_on,
            note=c.note,
        )


class CommitmentList(Schema):
    items: list[CommitmentOut]
    count: int


class CommitmentIn(Schema):
    team: UUID = Field(..., description="uid của tổ hoặc chương trình")
    signed_on: date
    note: str = ""


@households_router.get(
    "/{uid}/commitments", response=CommitmentList, tags=COMMITMENT_TAGS, summary="Cam kết của hộ"
)
def commitment_list(request: HttpRequest, uid: UUID, page: Query[Page]) -> dict[str, Any]:
    household = selectors.household_get_for_user(request.user, uid)
    return page_of(selectors.household_commitments(request.user, household), page, CommitmentOut.of)


@households_router.post(
    "/{uid}/commitments",
    response={201: CommitmentOut},
    tags=COMMITMENT_TAGS,
    summary="Ghi cam kết của hộ (xã quản lý hoặc tổ trưởng)",
)
def commitment_create(request: HttpRequest, uid: UUID, payload: CommitmentIn) -> Status[CommitmentOut]:
    household = selectors.household_get_for_user(request.user, uid)
    team = selectors.team_get_for_user(request.user, payload.team)
    commitment = services.commitment_record(
        actor=request.user, household=household, team=team, signed_on=payload.signed_on, note=payload.note
    )
    return Status(201, CommitmentOut.of(commitment))
