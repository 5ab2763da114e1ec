"""Who may do what in the assessment (`can_<verb>_<entity>`), for views, API and services.

The commune's police officers enter a round's results, register units, declare hotspots and
rate their teams (`Cap.ASSESSMENT_PROPOSE` over the commune); the province approves, returns
and reopens rounds, recognises a hotspot's transformation and sets the rules and criteria
(`Cap.ASSESSMENT_APPROVE`). An area argument of None asks "anywhere" (to show a button)."""

from __future__ import annotations

from tuquan.assessment.models import Hotspot, Round, Unit
from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area
from tuquan.core.roles import Cap
from tuquan.registry.models import Team


def _proposes(user: Actor, area: Area | None) -> bool:
    if area is None:
        return scoping.has_cap(user, Cap.ASSESSMENT_PROPOSE)
    return scoping.covers(user, area.path, Cap.ASSESSMENT_PROPOSE)


def can_edit_criteria(user: Actor) -> bool:
    """Criteria sets are national rules kept by the provinces' administrators."""
    return scoping.has_cap(user, Cap.ASSESSMENT_APPROVE)


def can_open_round(user: Actor, commune: Area | None = None) -> bool:
    return _proposes(user, commune)


def can_enter_round(user: Actor, round: Round) -> bool:
    """Results, the proposal and the commendations of a round: its commune."""
    return scoping.covers(user, round.commune.path, Cap.ASSESSMENT_PROPOSE)


def can_approve_round(user: Actor, round: Round) -> bool:
    """Approve, return and reopen: the province above the round's commune."""
    return scoping.covers(user, round.commune.path, Cap.ASSESSMENT_APPROVE)


def can_register_unit(user: Actor, commune: Area | None = None) -> bool:
    return _proposes(user, commune)


def can_edit_unit(user: Actor, unit: Unit) -> bool:
    return scoping.covers(user, unit.commune.path, Cap.ASSESSMENT_PROPOSE)


def can_declare_hotspot(user: Actor, area: Area | None = None) -> bool:
    return _proposes(user, area)


def can_edit_hotspot(user: Actor, hotspot: Hotspot) -> bool:
    """Its tasks and their completion: the commune that declared it."""
    return scoping.covers(user, hotspot.area.path, Cap.ASSESSMENT_PROPOSE)


def can_transform_hotspot(user: Actor, hotspot: Hotspot) -> bool:
    return scoping.covers(user, hotspot.area.path, Cap.ASSESSMENT_APPROVE)


def can_edit_rules(user: Actor, province: Area) -> bool:
    """The province's rating and grading rules."""
    return scoping.covers(user, province.path, Cap.ASSESSMENT_APPROVE)


def can_rate_team(user: Actor, team: Team | None = None) -> bool:
    """Ratings, grades and commendations of a team's members: its home commune."""
    return _proposes(user, team.home_area if team is not None else None)
