"""Who may create, change, move and deactivate whom."""

from __future__ import annotations

from typing import Any

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area
from tuquan.core.roles import GRANTABLE, ROLE_LEVELS, Cap


def grantable_roles(actor: Actor, area: Area) -> set[str]:
    """Roles the actor may hand out over `area`: only inside a subtree they manage."""
    roles: set[str] = set()
    for g in scoping.grants(actor):
        if Cap.ACCOUNT_MANAGE in g.caps and area.path.startswith(g.area_path):
            roles |= {r for r in GRANTABLE.get(g.role, frozenset()) if area.level in ROLE_LEVELS[r]}
    return roles


def can_grant_role(actor: Actor, role: str, area: Area) -> bool:
    return not area.is_legacy and role in grantable_roles(actor, area)


def can_manage_account(actor: Actor, target: Any) -> bool:
    """An actor manages an account when they could have granted every role it holds."""
    if target.pk == actor.pk:
        return False
    assignments = list(target.assignments.select_related("area"))
    if not assignments:
        return scoping.is_system_admin(actor)
    return all(can_grant_role(actor, a.role, a.area) for a in assignments)


def can_read_account_identity(actor: Actor, target: Any) -> bool:
    """Phone and ID number: the account holder, and managers of their area."""
    if target.pk == actor.pk:
        return True
    return any(
        scoping.covers(actor, a.area.path, Cap.ACCOUNT_SENSITIVE_READ)
        for a in target.assignments.select_related("area")
    )
