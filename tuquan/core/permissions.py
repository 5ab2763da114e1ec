"""Who may change areas, place records and read the audit log (`can_<verb>_<entity>`).

The menu's questions about later apps ("manages accounts anywhere?", "reads people
anywhere?") live here too: the menu is core's, and core imports no app above it."""

from __future__ import annotations

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area
from tuquan.core.roles import Cap


def can_edit_area(user: Actor, area: Area) -> bool:
    """Villages of a commune and their names: the commune and above; a pre-2025 unit never."""
    return scoping.covers(user, area.path, Cap.AREA_WRITE) and not area.is_legacy


def can_place_records(user: Actor, village: Area | None = None) -> bool:
    """Records of split old communes wait for someone who manages areas to place them."""
    if village is None:
        return scoping.has_cap(user, Cap.AREA_WRITE)
    return can_edit_area(user, village)


def can_view_audit(user: Actor) -> bool:
    return scoping.has_cap(user, Cap.AUDIT_VIEW)


def can_manage_accounts(user: Actor) -> bool:
    """Somewhere: which accounts exactly is `accounts.permissions.can_manage`."""
    return scoping.has_cap(user, Cap.ACCOUNT_MANAGE)


def can_read_people(user: Actor, area: Area | None = None) -> bool:
    """The people of `area` (the registry's lists and exports); without one, whether anywhere
    (the menu). Here, not in registry, because the menu is core's."""
    if area is None:
        return scoping.has_cap(user, Cap.PEOPLE_READ)
    return scoping.covers(user, area.path, Cap.PEOPLE_READ)
