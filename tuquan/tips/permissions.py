"""Who may handle residents' tips (`can_<verb>_<entity>`), for views, API, services and the menu."""

from __future__ import annotations

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.roles import Cap
from tuquan.tips.models import Tip


def can_triage_tip(user: Actor, tip: Tip | None = None) -> bool:
    """The commune police of the tip's area; without a tip, whether the user triages anywhere
    (the inbox and its menu link)."""
    if tip is None:
        return scoping.has_cap(user, Cap.TIP_TRIAGE)
    return scoping.covers(user, tip.area.path, Cap.TIP_TRIAGE)


def can_read_reporter(user: Actor, tip: Tip) -> bool:
    """The resident's name and phone: only the officer the tip is assigned to (and the console,
    whose pk is None, for a tip not yet assigned)."""
    return tip.assigned_to_id == user.pk
