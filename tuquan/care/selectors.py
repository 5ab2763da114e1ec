"""Every read of supervised persons and team funds. Identities and history are read only
inside the circle (care.permissions.circle_q) and every such read is audited; everyone who
reads the area gets counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from tuquan.care.models import Category, CheckIn, FundEntry, FundKind, FundMonth, Referral, SupervisedPerson
from tuquan.care.permissions import can_close_fund_month, can_keep_fund, can_supervise_person, circle_q
from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.audit import audit_record
from tuquan.core.models import Area, AuditAction
from tuquan.core.roles import Cap
from tuquan.registry.models import Household, Person, Team
from tuquan.registry.selectors import team_get_for_user, teams_visible

IDENTITY_FIELDS = ["full_name", "birth_year", "address", "legal_basis", "needs"]


# --- supervised persons ------------------------------------------------------------------


def persons_visible(user: Actor) -> QuerySet[SupervisedPerson]:
    return SupervisedPerson.objects.filter(circle_q(user))


def person_list(user: Actor, *, area: Area | None = None, open_only: bool = False) -> list[SupervisedPerson]:
    """The persons the user may see, with their names: one audited read for the list."""
    qs = persons_visible(user).select_related("area", "team", "helper")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    rows = list(qs.order_by("closed_on", "start_on", "id"))
    if rows:
        audit_record(
            actor=user,
            action=AuditAction.READ,
            object_type="care.supervisedperson",
            area=area,
            label=_("Danh sách người được giúp đỡ"),
            details={"fields": ["full_name"], "count": len(rows)},
        )
    return rows


def person_get_for_user(user: Actor, uid: Any, *, officer: bool = False) -> SupervisedPerson:
    """404 outside the circle (the province too); 403 when `officer` and the user is the
    leader or helper rather than the commune officer."""
    return scoping.get_for_user(
        SupervisedPerson.objects.select_related("area", "commune", "team", "helper"),
        user,
        visible_q=circle_q(user),
        writable=(lambda p: can_supervise_person(user, p)) if officer else None,
        uid=uid,
    )


def person_read(user: Actor, person: SupervisedPerson) -> dict[str, Any]:
    """The person's identity and check-in history; the read is audited."""
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=person,
        area=person.commune,
        label=person.ref,
        details={"fields": [*IDENTITY_FIELDS, "checkins", "referrals"]},
    )
    return {
        **{f: getattr(person, f) for f in IDENTITY_FIELDS},
        "checkins": list(CheckIn.objects.filter(person=person).select_related("recorded_by")),
        "referrals": list(Referral.objects.filter(person=person).select_related("recorded_by")),
    }


def referral_get_for_user(user: Actor, uid: Any, referral_uid: Any, *, officer: bool = False) -> Referral:
    """A referral of a person in the user's circle (404 outside it, as the person); 403
    with `officer` for the leader or helper."""
    person = person_get_for_user(user, uid, officer=officer)
    referral = Referral.objects.filter(person=person, uid=referral_uid).first()
    if referral is None:
        from django.http import Http404

        raise Http404(_("Không tìm thấy."))
    referral.person = person
    return referral


def person_counts(user: Actor, *, area: Area | None = None) -> dict[str, int]:
    """Open persons by category in what the user reads: counts only, for everyone."""
    qs = SupervisedPerson.objects.filter(
        scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"), closed_on__isnull=True
    )
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    counts = dict.fromkeys(Category.values, 0)
    for category, n in qs.values_list("category").annotate(n=Count("id")).values_list("category", "n"):
        counts[category] = n
    return counts


def supervision_communes(user: Actor) -> QuerySet[Area]:
    """Communes where the user is the supervising officer (to add a person)."""
    return Area.objects.filter(scoping.subtree_q(user, Cap.SUPERVISION, path_field="path"), level="commune")


# --- team funds --------------------------------------------------------------------------


def fund_team_get(user: Actor, uid: Any, *, write: bool = False, close: bool = False) -> Team:
    """A team's fund is read by whoever reads the team (404 outside); kept by its leaders
    and the home commune's officer (403 for other readers)."""
    team = team_get_for_user(user, uid)
    if write and not can_keep_fund(user, team):
        raise PermissionDenied(_("Bạn không giữ sổ quỹ của tổ này."))
    if close and not can_close_fund_month(user, team):
        raise PermissionDenied(_("Chỉ cán bộ Công an xã khoá sổ quỹ theo tháng."))
    return team


@dataclass
class LedgerRow:
    entry: FundEntry
    signed: Decimal
    balance: Decimal
    closed: bool


def _signed(kind: str, amount: Decimal) -> Decimal:
    return amount if kind == FundKind.CONTRIBUTION else -amount


def closed_months(team: Team) -> set[date]:
    return set(FundMonth.objects.filter(team=team).values_list("month", flat=True))


def fund_ledger(team: Team) -> list[LedgerRow]:
    closed = closed_months(team)
    balance = Decimal(0)
    rows: list[LedgerRow] = []
    for e in (
        FundEntry.objects.filter(team=team)
        .select_related("household", "corrects")
        .order_by("occurred_on", "id")
    ):
        signed = _signed(e.kind, e.amount)
        balance += signed
        rows.append(LedgerRow(e, signed, balance, e.occurred_on.replace(day=1) in closed))
    return rows


def fund_totals(entries: QuerySet[FundEntry]) -> dict[str, Decimal]:
    sums = {k: Decimal(0) for k in FundKind.values}
    for kind, total in entries.values_list("kind").annotate(t=Sum("amount")).values_list("kind", "t"):
        sums[kind] = Decimal(total or 0)
    return sums


def fund_balance(team: Team, *, on: date | None = None) -> Decimal:
    qs = FundEntry.objects.filter(team=team)
    if on is not None:
        qs = qs.filter(occurred_on__lte=on)
    sums = fund_totals(qs)
    return sums[FundKind.CONTRIBUTION] - sums[FundKind.EXPENSE]


def fund_entries_visible(user: Actor) -> QuerySet[FundEntry]:
    return FundEntry.objects.filter(team__in=teams_visible(user).values("pk"))


def fund_entry_get(team: Team, uid: Any) -> FundEntry:
    entry = FundEntry.objects.filter(team=team, uid=uid).first()
    if entry is None:
        from django.http import Http404

        raise Http404(_("Không tìm thấy."))
    return entry


def person_form_options(user: Actor) -> tuple[list[Area], list[Team], list[Person]]:
    """What a new supervised person can be placed under: the officer's communes and their
    villages, the teams of those communes and their members as helpers."""
    communes = list(supervision_communes(user))
    areas: list[Area] = []
    for commune in communes:
        areas.append(commune)
        areas.extend(
            commune.children.filter(level="village", valid_to__isnull=True).order_by("number", "sort_name")
        )
    teams = list(Team.objects.filter(home_area__in=communes).order_by("sort_name"))
    helpers = list(Person.objects.filter(memberships__team__in=teams).distinct().order_by("sort_name"))
    return areas, teams, helpers


def fund_households(team: Team) -> list[Household]:
    """The households a team's fund collects from: those it currently covers."""
    return list(
        Household.objects.filter(team_links__team=team, team_links__end_on__isnull=True)
        .select_related("head")
        .order_by("address")
    )
