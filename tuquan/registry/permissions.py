"""Who may change which registry records."""

from __future__ import annotations

from django.utils import timezone

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.roles import Cap
from tuquan.registry.models import Membership, Team


def leads(user: Actor, team: Team) -> bool:
    """The user is an active leader or deputy of the team (through their person record)."""
    if not getattr(user, "is_authenticated", False):
        return False
    today = timezone.localdate()
    return (
        Membership.objects.filter(
            team=team, person__user_id=user.pk, role__in=["leader", "deputy"], start_on__lte=today
        )
        .exclude(end_on__lt=today)
        .exists()
    )


def can_edit_team(user: Actor, team: Team) -> bool:
    """Only the home commune (the proposer) edits a team; its leaders keep its roster."""
    return scoping.covers(user, team.home_area.path, Cap.REGISTRY_WRITE)


def can_edit_roster(user: Actor, team: Team) -> bool:
    return can_edit_team(user, team) or leads(user, team)


def can_write_at(user: Actor, area_path: str) -> bool:
    return scoping.covers(user, area_path, Cap.REGISTRY_WRITE)


def can_manage_types(user: Actor) -> bool:
    return scoping.has_cap(user, Cap.TYPE_MANAGE)
