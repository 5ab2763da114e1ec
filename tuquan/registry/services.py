"""Every write of the registry. Views, the API, imports and the demo call these.

Longer than 600 lines: model types, teams, people, households, memberships and the
workbook import share their stocks bookkeeping; the split by topic (teams, people, import)
is the next step of issue 23, kept out of the change that made the import linear."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.actors import acting_user
from tuquan.core import crypto
from tuquan.core import services as core_services
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction, Level
from tuquan.core.services import audit_record
from tuquan.core.workbook.writing import bulk_create, bulk_update_changed, reserve_ids, set_links
from tuquan.registry import stocks
from tuquan.registry.models import (
    EDUCATION_RANK,
    JOURNAL_KIND_CODES,
    AttachTo,
    Commendation,
    Commitment,
    Education,
    ForceSettings,
    Household,
    Membership,
    ModelType,
    Person,
    Team,
    TeamArea,
    TeamHousehold,
    TeamStatus,
    TeamStatusChange,
    Training,
)
from tuquan.registry.permissions import (
    can_create_model_type,
    can_edit_force_settings,
    can_edit_model_type,
    can_edit_roster,
    can_edit_team,
    can_write_at,
    can_write_registry,
)

# Which status may follow which: a dissolved team stays dissolved (a new team is proposed).
TRANSITIONS: dict[str, set[str]] = {
    TeamStatus.PROPOSED: {TeamStatus.ACTIVE, TeamStatus.DISSOLVED},
    TeamStatus.ACTIVE: {TeamStatus.WEAK, TeamStatus.DISSOLVED},
    TeamStatus.WEAK: {TeamStatus.ACTIVE, TeamStatus.DISSOLVED},
    TeamStatus.DISSOLVED: set(),
}


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


# --- model types -----------------------------------------------------------------------


def clean_type_lists(
    *, roles: list[dict[str, str]], journal_kinds: list[str], extra: list[dict[str, str]]
) -> None:
    errors: dict[str, str] = {}
    if not roles or any(not r.get("code") or not r.get("label") for r in roles):
        errors["roles"] = _("Mỗi vai trò cần mã và tên; cần ít nhất một vai trò.")
    elif len({r["code"] for r in roles}) != len(roles):
        errors["roles"] = _("Mã vai trò bị trùng.")
    unknown = [k for k in journal_kinds if k not in JOURNAL_KIND_CODES]
    if unknown:
        errors["journal_kinds"] = _("Loại hoạt động không có: %(k)s.") % {"k": ", ".join(unknown)}
    if any(not e.get("code") or not e.get("label") for e in extra):
        errors["extra_indicators"] = _("Mỗi chỉ tiêu riêng cần mã và tên.")
    if errors:
        raise ValidationError(errors)


def model_type_create(
    *,
    actor: Actor,
    province: Area | None,
    code: str,
    name: str,
    short_name: str,
    kind: str,
    attaches_to: str,
    roles: list[dict[str, str]],
    has_subteams: bool = False,
    journal_kinds: list[str] | None = None,
    extra_indicators: list[dict[str, str]] | None = None,
    description: str = "",
) -> ModelType:
    """A province administrator adds a model type for their province (system admins: national)."""
    if not can_create_model_type(actor, province):
        raise _deny(
            _("Chỉ quản trị hệ thống thêm loại mô hình dùng chung toàn quốc.")
            if province is None
            else _("Bạn không quản lý danh mục mô hình của tỉnh này.")
        )
    journal_kinds, extra_indicators = journal_kinds or [], extra_indicators or []
    clean_type_lists(roles=roles, journal_kinds=journal_kinds, extra=extra_indicators)
    with transaction.atomic():
        if ModelType.objects.filter(code=code).exists():
            raise ValidationError({"code": _("Mã loại mô hình đã có.")})
        mt = ModelType(
            province=province,
            code=code,
            name=name.strip(),
            short_name=short_name.strip(),
            kind=kind,
            attaches_to=attaches_to,
            roles=roles,
            has_subteams=has_subteams,
            journal_kinds=journal_kinds,
            extra_indicators=extra_indicators,
            description=description,
        )
        mt.full_clean()
        mt.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=mt, area=province, label=mt.code)
    return mt


TYPE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "attaches_to",
    "roles",
    "has_subteams",
    "journal_kinds",
    "extra_indicators",
    "description",
    "is_active",
)


def model_type_update(*, actor: Actor, model_type: ModelType, **fields: Any) -> ModelType:
    if not can_edit_model_type(actor, model_type):
        raise _deny(
            _("Chỉ quản trị hệ thống sửa loại mô hình dùng chung toàn quốc.")
            if model_type.province_id is None
            else _("Bạn không quản lý danh mục mô hình của tỉnh này.")
        )
    unknown = set(fields) - set(TYPE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {unknown}")
    if model_type.is_statutory and fields.get("kind", "team") != "team":
        raise ValidationError({"kind": _("Tổ bảo vệ ANTT luôn là một tổ.")})
    changed = {k: v for k, v in fields.items() if getattr(model_type, k) != v}
    merged = {
        "roles": model_type.roles,
        "journal_kinds": model_type.journal_kinds,
        "extra": model_type.extra_indicators,
    }
    merged.update(
        {
            k if k != "extra_indicators" else "extra": v
            for k, v in changed.items()
            if k in ("roles", "journal_kinds", "extra_indicators")
        }
    )
    clean_type_lists(roles=merged["roles"], journal_kinds=merged["journal_kinds"], extra=merged["extra"])
    with transaction.atomic():
        for k, v in changed.items():
            setattr(model_type, k, v)
        model_type.full_clean()
        model_type.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=model_type,
            area=model_type.province,
            label=model_type.code,
            details={"fields": sorted(changed)},
        )
    return model_type


# --- teams -----------------------------------------------------------------------------


def _commune_of(area: Area) -> Area:
    return area if area.level == Level.COMMUNE else area.parent  # type: ignore[return-value]


def _check_team_areas(model_type: ModelType, home: Area, areas: list[Area]) -> None:
    if home.level != Level.COMMUNE:
        raise ValidationError({"home_area": _("Xã quản lý phải là một xã, phường, đặc khu.")})
    if not areas:
        raise ValidationError({"areas": _("Chọn ít nhất một địa bàn hoạt động.")})
    if any(a.is_legacy or not a.is_active or a.level not in (Level.VILLAGE, Level.COMMUNE) for a in areas):
        raise ValidationError({"areas": _("Địa bàn hoạt động phải là thôn hoặc xã hiện hành.")})
    attach = model_type.attaches_to
    if attach == AttachTo.COMMUNES:
        communes = {_commune_of(a).pk for a in areas}
        if len(communes) < 2 or home.pk not in communes:
            raise ValidationError({"areas": _("Cụm giáp ranh gồm ít nhất hai xã, trong đó có xã quản lý.")})
        return
    if any(_commune_of(a).pk != home.pk for a in areas):
        raise ValidationError({"areas": _("Địa bàn hoạt động phải thuộc xã quản lý.")})
    if attach == AttachTo.COMMUNE and (len(areas) != 1 or areas[0].level != Level.COMMUNE):
        raise ValidationError({"areas": _("Mô hình này áp dụng cho cả một xã.")})
    if attach == AttachTo.VILLAGE and any(a.level != Level.VILLAGE for a in areas):
        raise ValidationError({"areas": _("Mô hình này hoạt động ở thôn, tổ dân phố.")})
    if attach == AttachTo.VILLAGE and not model_type.is_statutory and len(areas) != 1:
        # The statutory team may cover several villages (Law 30/2023); other village models one.
        raise ValidationError({"areas": _("Mô hình này gắn với một thôn, tổ dân phố.")})


def team_create(
    *,
    actor: Actor,
    model_type: ModelType,
    name: str,
    home_area: Area,
    areas: Iterable[Area],
    parent: Team | None = None,
    status: str = TeamStatus.PROPOSED,
    status_on: date | None = None,
    established_on: date | None = None,
    decision_number: str = "",
    decision_date: date | None = None,
    decision_body: str = "",
    notes: str = "",
    uid: Any = None,
) -> Team:
    if not can_write_at(actor, home_area.path):
        raise _deny(_("Bạn không có quyền lập tổ ở xã này."))
    areas = list(areas)
    _check_team_areas(model_type, home_area, areas)
    if parent is not None and (parent.home_area_id != home_area.pk or not parent.type.has_subteams):
        raise ValidationError({"parent": _("Tổ cha phải cùng xã và thuộc mô hình có tổ con.")})
    if status not in TeamStatus.values:
        raise ValidationError({"status": _("Tình trạng không hợp lệ.")})
    with transaction.atomic(), stocks.changing(areas=[a.pk for a in areas]) as change:
        team = Team(
            type=model_type,
            name=" ".join(name.split()),
            home_area=home_area,
            parent=parent,
            status=status,
            established_on=established_on,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            decision_body=decision_body.strip(),
            notes=notes,
        )
        if uid:
            team.uid = uid
        team.full_clean()
        team.save()
        TeamArea.objects.bulk_create([TeamArea(team=team, area=a) for a in areas])
        TeamStatusChange.objects.create(
            team=team,
            status=status,
            on=status_on or established_on or timezone.localdate(),
            reason=_("Lập tổ"),
            by=acting_user(actor),
        )
        status_spans_refresh(team_ids=[team.pk])
        change.created(teams=[team.pk])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=team,
            area=home_area,
            label=team.name,
            details={"type": model_type.code, "areas": [a.ident for a in areas]},
        )
    return team


TEAM_FIELDS = ("name", "established_on", "decision_number", "decision_date", "decision_body", "notes")


def team_update(*, actor: Actor, team: Team, areas: Iterable[Area] | None = None, **fields: Any) -> Team:
    if not can_edit_team(actor, team):
        raise _deny(_("Chỉ xã quản lý được sửa tổ này."))
    unknown = set(fields) - set(TEAM_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {unknown}")
    changed = sorted(k for k, v in fields.items() if getattr(team, k) != v)
    # New links and the founding day (paper-only teams) change the stocks; a new name does not.
    areas = list(areas) if areas is not None else None
    counted = areas is not None or "established_on" in changed
    linked = [a.pk for a in areas or []]
    kept = stocks.changing(teams=[team.pk], areas=linked) if counted else nullcontext()
    with transaction.atomic(), kept:
        for k, v in fields.items():
            setattr(team, k, v)
        team.full_clean()
        team.save()
        if areas is not None:
            _check_team_areas(team.type, team.home_area, areas)
            current = set(team.team_areas.values_list("area_id", flat=True))
            wanted = {a.pk for a in areas}
            if current != wanted:
                team.team_areas.exclude(area_id__in=wanted).delete()
                TeamArea.objects.bulk_create([TeamArea(team=team, area_id=pk) for pk in wanted - current])
                changed.append("areas")
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=team,
            area=team.home_area,
            label=team.name,
            details={"fields": changed},
        )
    return team


def team_set_status(*, actor: Actor, team: Team, status: str, on: date, reason: str) -> Team:
    if not can_edit_team(actor, team):
        raise _deny(_("Chỉ xã quản lý được đổi tình trạng tổ này."))
    if status not in TRANSITIONS.get(team.status, set()):
        raise ValidationError(
            {
                "status": _("Không thể chuyển từ “%(a)s” sang “%(b)s”.")
                % {"a": TeamStatus(team.status).label, "b": TeamStatus(status).label}
            }
        )
    last = team.status_changes.order_by("-on", "-id").first()
    if last is not None and on < last.on:
        raise ValidationError({"on": _("Ngày phải từ %(d)s trở đi.") % {"d": last.on.strftime("%d/%m/%Y")}})
    if not reason.strip():
        raise ValidationError({"reason": _("Ghi lý do.")})
    with transaction.atomic(), stocks.changing(teams=[team.pk]):
        old = team.status
        team.status = status
        team.save(update_fields=["status", "updated_at", "search_name"])
        TeamStatusChange.objects.create(
            team=team, status=status, on=on, reason=reason.strip(), by=acting_user(actor)
        )
        status_spans_refresh(team_ids=[team.pk])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=team,
            area=team.home_area,
            label=team.name,
            details={"status": [old, status], "on": on.isoformat()},
        )
    return team


# --- people and households -----------------------------------------------------------------

PERSON_FIELDS = (
    "full_name",
    "gender",
    "birth_year",
    "birth_date",
    "national_id",
    "ethnicity",
    "religion",
    "phone",
    "education",
    "resident_since",
)


def _check_person_area(area: Area) -> None:
    if area.level not in (Level.VILLAGE, Level.COMMUNE) or area.is_legacy:
        raise ValidationError({"area": _("Nơi ở phải là một thôn hoặc một xã hiện hành.")})


def person_create(
    *,
    actor: Actor,
    full_name: str,
    area: Area,
    allow_duplicate: bool = False,
    household: Household | None = None,
    uid: Any = None,
    **fields: Any,
) -> Person:
    """Create a person; a likely duplicate (same name ignoring accents, birth year, village)
    is refused unless the user confirms (`allow_duplicate`)."""
    from tuquan.registry.selectors import person_possible_duplicates

    if not can_write_at(actor, area.path):
        raise _deny(_("Bạn không có quyền thêm người ở địa bàn này."))
    _check_person_area(area)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    with transaction.atomic():
        person = Person(full_name=" ".join(full_name.split()), area=area, household=household, **fields)
        if uid:
            person.uid = uid
        person.full_clean()
        _check_birth(person)
        if (
            not allow_duplicate
            and person_possible_duplicates(
                full_name=person.full_name, birth_year=person.birth_year, area=area
            ).exists()
        ):
            raise ValidationError(
                {
                    "full_name": _(
                        "Có thể trùng: đã có người cùng tên, cùng năm sinh ở thôn này. "
                        "Kiểm tra lại, hoặc đánh dấu “vẫn thêm”."
                    )
                },
                code="duplicate",
            )
        person.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=person, area=area, label=str(person.uid)[:8])
    return person


def _check_birth(person: Person) -> None:
    today = timezone.localdate()
    if person.birth_year and not (1900 <= person.birth_year <= today.year):
        raise ValidationError({"birth_year": _("Năm sinh không hợp lệ.")})
    if person.birth_date:
        if person.birth_date > today:
            raise ValidationError({"birth_date": _("Ngày sinh ở tương lai.")})
        if person.birth_year and person.birth_year != person.birth_date.year:
            raise ValidationError({"birth_year": _("Năm sinh khác với ngày sinh.")})
        person.birth_year = person.birth_date.year


def person_update(
    *, actor: Actor, person: Person, area: Area | None = None, household: Any = ..., **fields: Any
) -> Person:
    if not can_write_at(actor, person.area.path) or (area is not None and not can_write_at(actor, area.path)):
        raise _deny(_("Bạn không có quyền sửa người này."))
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    changed = sorted(k for k, v in fields.items() if getattr(person, k) != v)
    # The statutory force is counted by age group, from the birth year.
    born = stocks.changing(people=[person.pk]) if "birth_year" in changed else nullcontext()
    with transaction.atomic(), born:
        for k, v in fields.items():
            setattr(person, k, v)
        if area is not None and area.pk != person.area_id:
            _check_person_area(area)
            person.area = area
            changed.append("area")
        if household is not ... and household != person.household:
            person.household = household
            changed.append("household")
        person.full_clean()
        _check_birth(person)
        person.save()
        # Field names only: the values are personal data.
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            area=person.area,
            label=str(person.uid)[:8],
            details={"fields": changed},
        )
    return person


def household_create(
    *,
    actor: Actor,
    area: Area,
    address: str = "",
    head: Person | None = None,
    members: Iterable[Person] = (),
    uid: Any = None,
) -> Household:
    if not can_write_at(actor, area.path):
        raise _deny(_("Bạn không có quyền thêm hộ ở địa bàn này."))
    _check_person_area(area)
    with transaction.atomic():
        household = Household(area=area, address=" ".join(address.split()), head=head)
        if uid:
            household.uid = uid
        household.full_clean()
        household.save()
        people = [p for p in [head, *members] if p is not None]
        for p in people:
            if p.household_id not in (None, household.pk):
                raise ValidationError({"members": _("“%(n)s” đã thuộc một hộ khác.") % {"n": p.full_name}})
        Person.objects.filter(pk__in=[p.pk for p in people]).update(household=household)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=household,
            area=area,
            label=str(household.uid)[:8],
            details={"members": len(people)},
        )
    return household


def household_update(*, actor: Actor, household: Household, address: str, head: Person | None) -> Household:
    if not can_write_at(actor, household.area.path):
        raise _deny(_("Bạn không có quyền sửa hộ này."))
    with transaction.atomic():
        household.address = " ".join(address.split())
        household.head = head
        household.full_clean()
        household.save()
        if head is not None and head.household_id != household.pk:
            if head.household_id is not None:
                raise ValidationError({"head": _("Chủ hộ đang thuộc một hộ khác.")})
            Person.objects.filter(pk=head.pk).update(household=household)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=household,
            area=household.area,
            label=str(household.uid)[:8],
            details={"fields": ["address", "head"]},
        )
    return household


# --- memberships and the statutory force ------------------------------------------------------


def force_settings_for(province_id: int | None) -> ForceSettings:
    found = ForceSettings.objects.filter(province_id=province_id).first()
    # Unsaved defaults (the law's thresholds) until the province saves its own.
    return found or ForceSettings(province_id=province_id or 0)


def force_eligibility(
    *, person: Person, team: Team, start_on: date, age_exception: bool, no_pending_prosecution: bool
) -> list[str]:
    """Law 30/2023's entry conditions, with the province's thresholds. Empty when eligible."""
    settings = force_settings_for(team.home_area.province_id)
    problems: list[str] = []
    if person.birth_year is None:
        problems.append(_("Thiếu năm sinh để kiểm tra độ tuổi."))
    else:
        born = person.birth_date
        age = (
            start_on.year - born.year - ((start_on.month, start_on.day) < (born.month, born.day))
            if born
            else start_on.year - person.birth_year
        )
        if age < settings.min_age:
            problems.append(_("Chưa đủ %(n)s tuổi.") % {"n": settings.min_age})
        elif age > settings.max_age and not age_exception:
            problems.append(_("Quá %(n)s tuổi (cần đánh dấu ngoại lệ).") % {"n": settings.max_age})
    if person.resident_since is None:
        problems.append(_("Thiếu ngày bắt đầu cư trú tại địa phương."))
    else:
        months = (
            (start_on.year - person.resident_since.year) * 12 + start_on.month - person.resident_since.month
        )
        if start_on.day < person.resident_since.day:
            months -= 1
        if months < settings.min_residence_months:
            problems.append(
                _("Cư trú tại địa phương chưa đủ %(n)s tháng.") % {"n": settings.min_residence_months}
            )
    if not no_pending_prosecution:
        problems.append(_("Đang bị truy cứu trách nhiệm hình sự hoặc có án tích chưa được xoá."))
    difficult = settings.pk is not None and settings.difficult_communes.filter(pk=team.home_area_id).exists()
    needed = settings.education_min_difficult if difficult else settings.education_min
    if not person.education or EDUCATION_RANK[person.education] < EDUCATION_RANK[needed]:
        problems.append(_("Trình độ học vấn chưa đạt “%(e)s”.") % {"e": Education(needed).label})
    return problems


def allowance_for(membership: Membership) -> Decimal:
    settings = force_settings_for(membership.team.home_area.province_id)
    return {"leader": settings.allowance_leader, "deputy": settings.allowance_deputy}.get(
        membership.role, settings.allowance_member
    )


MEMBERSHIP_FIELDS = (
    "decision_number",
    "decision_date",
    "former_force_start",
    "former_force_end",
    "certificate_number",
    "age_exception",
    "no_pending_prosecution",
)


def membership_add(
    *, actor: Actor, team: Team, person: Person, role: str, start_on: date, uid: Any = None, **fields: Any
) -> Membership:
    if not can_edit_roster(actor, team):
        raise _deny(_("Bạn không có quyền sửa danh sách tổ này."))
    unknown = set(fields) - set(MEMBERSHIP_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {unknown}")
    if role not in team.type.role_codes():
        raise ValidationError({"role": _("Vai trò không có trong mô hình này.")})
    team_communes = {_commune_of(a).pk for a in team.areas.all()}
    if _commune_of(person.area).pk not in team_communes:
        raise ValidationError({"person": _("Người này không sống trên địa bàn của tổ.")})
    if team.memberships.filter(person=person, end_on__isnull=True).exists():
        raise ValidationError({"person": _("Người này đang ở trong tổ.")})
    if team.type.is_statutory:
        problems = force_eligibility(
            person=person,
            team=team,
            start_on=start_on,
            age_exception=fields.get("age_exception", False),
            no_pending_prosecution=fields.get("no_pending_prosecution", True),
        )
        if problems:
            raise ValidationError({"person": problems})
        # Each member of the statutory team is established by the commune chairman's decision.
        if not fields.get("decision_number"):
            raise ValidationError({"decision_number": _("Ghi số quyết định của Chủ tịch UBND xã.")})
    with transaction.atomic(), stocks.changing(people=[person.pk], joining=[team.pk]):
        membership = Membership(team=team, person=person, role=role, start_on=start_on, **fields)
        if uid:
            membership.uid = uid
        membership.full_clean()
        membership.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=membership,
            area=team.home_area,
            label=team.name,
            details={"role": role},
        )
    return membership


def membership_end(*, actor: Actor, membership: Membership, end_on: date) -> Membership:
    if not can_edit_roster(actor, membership.team):
        raise _deny(_("Bạn không có quyền sửa danh sách tổ này."))
    if end_on < membership.start_on:
        raise ValidationError({"end_on": _("Ngày rời tổ trước ngày vào tổ.")})
    with transaction.atomic(), stocks.changing(people=[membership.person_id]):
        membership.end_on = end_on
        membership.save(update_fields=["end_on"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=membership,
            area=membership.team.home_area,
            label=membership.team.name,
            details={"end_on": end_on.isoformat()},
        )
    return membership


def team_household_add(*, actor: Actor, team: Team, household: Household, start_on: date) -> TeamHousehold:
    if not can_edit_roster(actor, team):
        raise _deny(_("Bạn không có quyền sửa danh sách tổ này."))
    if household.area_id not in set(team.areas.values_list("pk", flat=True)) and _commune_of(
        household.area
    ).pk not in {_commune_of(a).pk for a in team.areas.all() if a.level == Level.COMMUNE}:
        raise ValidationError({"household": _("Hộ không ở trên địa bàn của tổ.")})
    if team.team_households.filter(household=household, end_on__isnull=True).exists():
        raise ValidationError({"household": _("Hộ đã thuộc tổ.")})
    with transaction.atomic():
        link = TeamHousehold(team=team, household=household, start_on=start_on)
        link.full_clean()
        link.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=link, area=team.home_area, label=team.name)
    return link


def commitment_record(
    *, actor: Actor, household: Household, team: Team, signed_on: date, note: str = "", uid: Any = None
) -> Commitment:
    if not can_edit_roster(actor, team):
        raise _deny(_("Bạn không có quyền ghi cam kết cho mô hình này."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("Ngày ký ở tương lai.")})
    with transaction.atomic():
        commitment = Commitment(household=household, team=team, signed_on=signed_on, note=note)
        if uid:
            commitment.uid = uid
        commitment.full_clean()
        commitment.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=commitment, area=household.area, label=team.name
        )
    return commitment


def training_record(
    *,
    actor: Actor,
    area: Area,
    held_on: date,
    topic: str,
    attendee_count: int,
    team: Team | None = None,
    attendees: Iterable[Person] = (),
) -> Training:
    if not can_write_at(actor, area.path) and not (team is not None and can_edit_roster(actor, team)):
        raise _deny(_("Bạn không có quyền ghi tập huấn ở địa bàn này."))
    attendees = list(attendees)
    with transaction.atomic():
        training = Training(
            area=area,
            held_on=held_on,
            topic=topic.strip(),
            team=team,
            attendee_count=max(attendee_count, len(attendees)),
        )
        training.full_clean()
        training.save()
        training.attendees.set(attendees)
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=training, area=area, label=training.topic[:60]
        )
    return training


def commendation_record(
    *,
    actor: Actor,
    awarded_on: date,
    level: str,
    decision_number: str,
    reason: str = "",
    person: Person | None = None,
    team: Team | None = None,
) -> Commendation:
    area = person.area if person is not None else team.home_area if team is not None else None
    if area is None:
        raise ValidationError(_("Khen thưởng phải cho một người hoặc một tổ."))
    if not can_write_at(actor, area.path):
        raise _deny(_("Bạn không có quyền ghi khen thưởng ở địa bàn này."))
    with transaction.atomic():
        c = Commendation(
            person=person,
            team=team,
            awarded_on=awarded_on,
            level=level,
            decision_number=decision_number.strip(),
            reason=reason,
        )
        c.full_clean()
        c.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=c, area=area, label=c.decision_number)
    return c


def force_settings_update(
    *, actor: Actor, province: Area, difficult_communes: Iterable[Area] | None = None, **fields: Any
) -> ForceSettings:
    if not can_edit_force_settings(actor, province):
        raise _deny(_("Bạn không quản lý thiết lập của tỉnh này."))
    with transaction.atomic():
        settings, _created = ForceSettings.objects.get_or_create(province=province)
        for k, v in fields.items():
            setattr(settings, k, v)
        settings.full_clean()
        if settings.min_age >= settings.max_age:
            raise ValidationError({"max_age": _("Tuổi tối đa phải lớn hơn tuổi tối thiểu.")})
        settings.save()
        if difficult_communes is not None:
            settings.difficult_communes.set([c for c in difficult_communes if c.province_id == province.pk])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=settings,
            area=province,
            label=province.short_name,
            details={"fields": sorted(fields)},
        )
    return settings


# --- the workbook: writing a checked import, and its background job ----------------------------
# registry.workbook reads and checks every row; these write. Nothing above changes behaviour.


def _seal_sensitive(people: list[Person]) -> list[tuple[Person, str, str]]:
    """Encrypt the sensitive values of many people with one look-up of the data key.

    `crypto.encrypt` asks the database for the primary data key on every call: one query per
    value, about 35 s for 100,000 people with a phone and an ID number. The stored form is
    crypto's own (`enc1:<key id>:<nonce+ciphertext>`, the field as associated data), which the
    field passes through unchanged. Returns what to put back in memory after the write.
    """
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plain: list[tuple[Person, str, str]] = []
    if not any(
        getattr(p, name) for p in people for name in ("national_id", "ethnicity", "religion", "phone")
    ):
        return plain
    key_id = crypto.primary_key_id()
    aead = AESGCM(crypto.load_data_key(key_id))
    for name in ("national_id", "ethnicity", "religion", "phone"):
        context = Person._meta.get_field(name)._context().encode()  # type: ignore[union-attr]
        for person in people:
            value = getattr(person, name)
            if value and not crypto.is_encrypted(value):
                nonce = os.urandom(12)
                sealed = base64.b64encode(nonce + aead.encrypt(nonce, value.encode(), context)).decode()
                setattr(person, name, f"{crypto.PREFIX}:{key_id}:{sealed}")
                plain.append((person, name, value))
    return plain


def status_spans_refresh(*, team_ids: Iterable[int] | None = None) -> int:
    """Set each status change's `until` (the day of the team's next change, in the order of
    day then entry) for some teams, or all of them; one UPDATE, the same on both databases."""
    from django.db.models import OuterRef, Q, Subquery

    following = (
        TeamStatusChange.objects.filter(team=OuterRef("team"))
        .filter(Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), id__gt=OuterRef("id")))
        .order_by("on", "id")
        .values("on")[:1]
    )
    changes = TeamStatusChange.objects.all()
    if team_ids is not None:
        changes = changes.filter(team_id__in=list(team_ids))
    return changes.update(until=Subquery(following))


def _common_area(paths: set[str]) -> Area | None:
    """The smallest area containing every area the import wrote (whose officers see its entry)."""
    if not paths:
        return None
    parts = [p.rstrip("/").split("/") for p in paths]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return Area.objects.filter(ident=common[-1]).first() if common else None


def workbook_apply(*, actor: Actor, plan: Any) -> None:
    """Write a workbook import that `registry.workbook.import_workbook` has checked (a `Plan`).

    One transaction; rows go in with bulk inserts and updates. Villages go through the core
    services (their numbers and names are the commune's business) and are audited there;
    everything else is named by one audit entry for the whole import: counts per sheet, never
    personal data. Records from an old commune that was split keep it as their area and are
    queued (`core.services.placement_create`) for an officer of a successor commune to place.
    """
    from django.contrib.contenttypes.models import ContentType

    now = timezone.now()
    existing = [t.pk for t in plan.teams.changed]
    existing += [team.pk for team, _removed in plan.team_areas_removed]
    existing += [link.team.pk for link in plan.team_areas_new if link.team.pk is not None]
    existing += [c.team.pk for c in plan.statuses_new if c.team.pk is not None]
    places = [pk for _team, removed in plan.team_areas_removed for pk in removed]
    places += [link.area.pk for link in plan.team_areas_new if link.area.pk is not None]
    places += [source.pk for source, _target, _on in plan.village_merges]
    places += [source.parent_id for source, _target, _on in plan.village_merges]
    places += [v.parent.pk for v in plan.villages_new]  # new villages' communes
    people = [m.person.pk for m in plan.memberships.new + plan.memberships.changed if m.person.pk is not None]
    people += [p.pk for p in plan.people.changed if "birth_year" in plan.people.fields]
    joining = [m.team.pk for m in plan.memberships.new if m.team.pk is not None]
    changes = stocks.changing(
        teams=existing, people=people, areas=places, journals=plan.journals, joining=joining
    )
    with transaction.atomic(), changes as change:
        for village, kind, name in plan.village_renames:
            core_services.village_rename(actor=actor, village=village, kind=kind, name=name)
        for planned in plan.villages_new:
            made = core_services.village_create(
                actor=actor,
                commune=planned.parent,
                kind=planned.kind,
                name=planned.short_name,
                valid_from=planned.valid_from,
                number=planned.number,
            )
            # Other rows of the file point at the planned object: it becomes the saved village,
            # active until its merge below ends it.
            planned.pk, planned.valid_to, planned.created_at = made.pk, None, made.created_at
            planned._state.adding = False
        for source, target, on in plan.village_merges:
            core_services.village_merge(actor=actor, sources=[source], target=target, on=on)

        bulk_create(ModelType, plan.types.new)
        bulk_update_changed(ModelType, plan.types, now)
        waiting = list(plan.teams.new)
        while waiting:  # parents before their sub-teams
            ready = [t for t in waiting if t.parent is None or t.parent.pk is not None]
            bulk_create(Team, ready)
            waiting = [t for t in waiting if t.pk is None]
        bulk_update_changed(Team, plan.teams, now)
        for team, removed in plan.team_areas_removed:
            TeamArea.objects.filter(team=team, area_id__in=removed).delete()
        bulk_create(TeamArea, plan.team_areas_new)
        bulk_create(TeamStatusChange, plan.statuses_new)
        status_spans_refresh(team_ids={c.team_id for c in plan.statuses_new})

        # People and households point at each other. A new household's head is inserted first,
        # the household next (naming its head by the id just returned), then the other new
        # people. The head's own link: on PostgreSQL the household's id is reserved before the
        # inserts and the head goes in already pointing at it; elsewhere the heads join their
        # households afterwards in set-based UPDATEs. Never a statement per head (issue 22).
        new_households = {id(h) for h in plan.households.new}
        heads = {id(h.head) for h in plan.households.new if h.head is not None and h.head.pk is None}
        first, later, joining = [], [], []
        for person in plan.people.new:
            household = person.household
            if household is not None and id(household) in new_households and id(person) in heads:
                person.household = None
                joining.append((person, household))
                first.append(person)
            elif household is not None and household.pk is None:
                later.append(person)
            else:
                first.append(person)
        plain = _seal_sensitive(plan.people.new + plan.people.changed)
        households_first = reserve_ids(Household, [h for _p, h in joining])
        if households_first:
            for person, household in joining:
                person.household = household
        bulk_create(Person, first)
        bulk_create(Household, plan.households.new)
        bulk_create(Person, later)
        if not households_first:
            set_links(Person, "household", [(p.pk, h.pk) for p, h in joining])
            for person, household in joining:
                person.household = household
        bulk_update_changed(Person, plan.people, now)
        bulk_update_changed(Household, plan.households, now)
        for person, name, value in plain:
            setattr(person, name, value)

        for model, changes in (
            (Membership, plan.memberships),
            (TeamHousehold, plan.team_households),
            (Commitment, plan.commitments),
            (Training, plan.trainings),
            (Commendation, plan.commendations),
        ):
            bulk_create(model, changes.new)
            bulk_update_changed(model, changes, now)
        through = Training.attendees.through
        through.objects.filter(training_id__in=[t.pk for t, _p in plan.attendees]).delete()
        through.objects.bulk_create(
            [through(training_id=t.pk, person_id=p.pk) for t, people in plan.attendees for p in people],
            batch_size=500,
        )
        ContentType.objects.get_for_models(Person, Household)  # cached for the queue below
        for record, legacy_area, summary in plan.placements:
            core_services.placement_create(
                obj=record, legacy_area=legacy_area, summary=summary, source=plan.source
            )
        # Before the journal's rows (plan.later), whose teams may be among these.
        change.created(
            teams=[t.pk for t in plan.teams.new],
            people=[p.pk for p in plan.people.new],
            places=[v.pk for v in plan.villages_new],
        )
        for write in plan.later:
            write()

        counts = {
            title: {k: v for k, v in vars(c).items() if k != "unchanged" and v}
            for title, c in plan.summary.sheets.items()
            if c.created or c.changed
        }
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if plan.summary.created else AuditAction.UPDATE,
            object_type="registry.workbook",
            area=_common_area(plan.paths),
            label=plan.source or _("Nhập sổ theo dõi"),
            details={"source": plan.source, "sheets": counts},
        )


def import_job_create(*, actor: Actor, filename: str, data: bytes, dry_run: bool = False) -> Any:
    """Keep an uploaded workbook and queue its import for the background worker."""
    from tuquan.registry.models import ImportJob
    from tuquan.registry.tasks import registry_import

    if not can_write_registry(actor):
        raise _deny(_("Bạn không có quyền nhập sổ theo dõi."))
    job = ImportJob.objects.create(
        actor=acting_user(actor), filename=filename[:200], data=data, dry_run=dry_run
    )

    def enqueue() -> None:
        result = registry_import.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


# A run is retried once after its worker died (the import is one transaction: nothing of the
# lost run was written); a second loss is a file the worker cannot get through.
IMPORT_RUNS = 2


def import_jobs_lost(task_ids: list[str]) -> None:
    """Jobs whose task's worker died (core/jobs.py, inside its transaction): run again once,
    then failed with a message for the uploader and the upload deleted."""
    from tuquan.registry.models import ImportJob, ImportStatus
    from tuquan.registry.tasks import registry_import

    lost = ImportJob.objects.select_for_update().filter(
        task_id__in=task_ids, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
    )
    for job in lost.defer("data"):
        if job.attempts < IMPORT_RUNS:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED, progress=0)

            def enqueue(pk: int = job.pk) -> None:
                result = registry_import.enqueue(pk)
                ImportJob.objects.filter(pk=pk).update(task_id=str(result.id))

            transaction.on_commit(enqueue)
        else:
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED,
                finished_at=timezone.now(),
                data=b"",
                message=_(
                    "Tiến trình xử lý dừng giữa chừng %(n)s lần (máy chủ khởi động lại hoặc hết bộ nhớ); "
                    "không có gì được ghi. Hãy thử lại với tệp nhỏ hơn hoặc báo quản trị hệ thống."
                )
                % {"n": job.attempts},
            )


def import_job_run(*, job_id: int) -> dict[str, Any]:
    """Run a queued import as the user who uploaded it, recording progress, counts or errors."""
    from tuquan.registry import io
    from tuquan.registry.models import ImportJob, ImportStatus

    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.is_finished:
        return {"status": job.status}
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), progress=0, attempts=F("attempts") + 1
    )

    def progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    result: dict[str, Any] = {"counts": {}, "errors": [], "error_count": 0}
    try:
        if job.actor is None or not job.actor.is_active:
            raise io.WorkbookErrors(
                [io.CellError("", 0, "", _("Tài khoản tải tệp lên không còn hoạt động."))]
            )
        summary = io.import_workbook(
            actor=job.actor, data=bytes(job.data), dry_run=job.dry_run, progress=progress, source=job.filename
        )
    except io.WorkbookErrors as exc:
        result.update(
            status=ImportStatus.REFUSED,
            error_count=len(exc.errors),
            errors=[e.as_dict() for e in exc.errors[: io.STORED_ERRORS]],
        )
    except Exception:
        # Recorded on the job without the exception text, which may quote the file's values.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            data=b"",
            message=_("Có lỗi hệ thống khi nhập; không có gì được ghi. Hãy báo quản trị hệ thống."),
        )
        raise
    else:
        result.update(
            status=ImportStatus.CHECKED if job.dry_run else ImportStatus.DONE, counts=summary.as_dict()
        )
    # The upload holds personal data: once run, only its outcome is kept.
    ImportJob.objects.filter(pk=job.pk).update(
        status=result["status"],
        progress=100,
        counts=result["counts"],
        errors=result["errors"],
        error_count=result["error_count"],
        finished_at=timezone.now(),
        data=b"",
    )
    return {"status": result["status"], "error_count": result["error_count"]}
