"""Who may do what in the journal (`can_<verb>_<entity>`), for views, API, services and imports."""

from __future__ import annotations

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area
from tuquan.core.roles import Cap
from tuquan.registry.models import Team
from tuquan.registry.permissions import can_edit_roster


def can_record_entry(actor: Actor, team: Team, village: Area) -> bool:
    """The team's leaders and its home commune's officers; for a border cluster, the officers
    of each commune record its activity at their own villages."""
    return can_edit_roster(actor, team) or scoping.covers(actor, village.path, Cap.REGISTRY_WRITE)


can_record = can_record_entry  # the name the journal's callers have used
