"""Who may change which registry records."""

from __future__ import annotations

from django.utils import timezone

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.registry.models import Membership, ModelType, Team


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


def can_write_registry(user: Actor, area: Area | None = None) -> bool:
    """Villages' people, households and records at `area`; without one, whether anywhere
    (the create buttons and the import)."""
    if area is None:
        return scoping.has_cap(user, Cap.REGISTRY_WRITE)
    return can_write_at(user, area.path)


def can_read_teams(user: Actor) -> bool:
    """Somewhere: the selectors decide which teams."""
    return scoping.has_cap(user, Cap.TEAM_READ)


def can_read_sensitive(user: Actor, area: Area) -> bool:
    """ID number, ethnicity, religion and phone of the people of `area` (each read audited)."""
    return scoping.covers(user, area.path, Cap.SENSITIVE_READ)


def can_manage_types(user: Actor) -> bool:
    return scoping.has_cap(user, Cap.TYPE_MANAGE)


def can_create_model_type(user: Actor, province: Area | None) -> bool:
    """A province's own type by its administrator; a national one (None) by the system's."""
    if province is None:
        return scoping.is_system_admin(user)
    return province.level == Level.PROVINCE and scoping.covers(user, province.path, Cap.TYPE_MANAGE)


def can_edit_model_type(user: Actor, model_type: ModelType) -> bool:
    province = model_type.province
    if province is None:
        return scoping.is_system_admin(user)
    return scoping.covers(user, province.path, Cap.TYPE_MANAGE)


def can_edit_force_settings(user: Actor, province: Area) -> bool:
    return province.level == Level.PROVINCE and scoping.covers(user, province.path, Cap.TYPE_MANAGE)
