"""Who may reach a supervised person, and who keeps a team's fund."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.registry.models import Membership, Team
from tuquan.registry.permissions import leads


def led_team_ids(user: Actor) -> list[int]:
    """Teams the user leads (or deputises) today, through their person record."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    return list(
        Membership.objects.filter(person__user_id=user.pk, role__in=["leader", "deputy"], start_on__lte=today)
        .exclude(end_on__lt=today)
        .values_list("team_id", flat=True)
    )


def circle_q(user: Actor) -> Q:
    """The commune officer's commune, or a person assigned to a team the user leads or to
    the user as helper. Nobody else: not the province, not the system administrator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    return (
        scoping.subtree_q(user, Cap.SUPERVISION, path_field="area__path")
        | Q(helper__user=user)
        | Q(team_id__in=led_team_ids(user))
    )


def is_console(user: Actor) -> bool:
    return bool(getattr(user, "is_console", False))


def can_take_in_person(user: Actor, area: Area | None = None) -> bool:
    """A new supervised person at `area` (a commune or one of its villages), and the persons'
    workbook in and out: the commune's officer; without an area, whether the user supervises
    any commune."""
    if is_console(user):
        return True
    if area is not None:
        return scoping.covers(user, area.path, Cap.SUPERVISION)
    return Area.objects.filter(
        scoping.subtree_q(user, Cap.SUPERVISION, path_field="path"), level=Level.COMMUNE
    ).exists()


def can_supervise_person(user: Actor, person: Any) -> bool:
    """Change the person's record, outcome, referrals: the commune's officer."""
    return is_console(user) or scoping.covers(user, person.area.path, Cap.SUPERVISION)


def can_visit_person(user: Actor, person: Any) -> bool:
    """Record a visit or talk: the officer, the leader of the person's team or their helper."""
    if can_supervise_person(user, person):
        return True
    if person.helper_id and person.helper.user_id == getattr(user, "pk", None):
        return True
    return person.team_id is not None and person.team_id in led_team_ids(user)


def can_keep_fund(user: Actor, team: Team) -> bool:
    return is_console(user) or scoping.covers(user, team.home_area.path, Cap.FUND_MANAGE) or leads(user, team)


def can_close_fund_month(user: Actor, team: Team) -> bool:
    return is_console(user) or scoping.covers(user, team.home_area.path, Cap.FUND_MANAGE)
