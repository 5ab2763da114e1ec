"""Reads of accounts, scoped to the areas the reader manages."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tuquan.accounts.models import RoleAssignment, User
from tuquan.accounts.permissions import can_manage_account, can_read_account_identity
from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.audit import audit_record
from tuquan.core.models import AuditAction
from tuquan.core.roles import Cap
from tuquan.core.text import normalize_search


def users_visible(actor: Actor) -> QuerySet[User]:
    """Accounts holding a role inside an area the actor manages."""
    q = scoping.subtree_q(actor, Cap.ACCOUNT_MANAGE, path_field="assignments__area__path")
    if scoping.is_system_admin(actor):
        q = Q()
    ids = User.objects.filter(q).values("pk")
    return User.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("assignments", queryset=RoleAssignment.objects.select_related("area"))
    )


def user_list(actor: Actor, *, q: str = "", active: bool | None = None) -> QuerySet[User]:
    qs = users_visible(actor)
    if active is not None:
        qs = qs.filter(is_active=active)
    needle = normalize_search(q)
    if needle:
        # Names are few per commune; matching in Python keeps accents-insensitive search exact.
        ids = [
            u.pk
            for u in qs.only("pk", "username", "full_name")
            if needle in normalize_search(f"{u.username} {u.full_name}")
        ]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("username")


def user_get_for_user(actor: Actor, pk: int, *, write: bool = False) -> User:
    q = scoping.subtree_q(actor, Cap.ACCOUNT_MANAGE, path_field="assignments__area__path")
    if scoping.is_system_admin(actor):
        q = Q()
    return scoping.get_for_user(
        User.objects.distinct(),
        actor,
        visible_q=q,
        writable=(lambda u: can_manage_account(actor, u)) if write else None,
        pk=pk,
    )


def user_identity_for(actor: Actor, user: User) -> dict[str, str] | None:
    """Phone and ID number, for those who may read them; each read is audited."""
    if not can_read_account_identity(actor, user):
        return None
    first = user.assignments.select_related("area").first()
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        obj=user,
        area=first.area if first else None,
        label=user.username,
        details={"fields": ["phone", "national_id"]},
    )
    return {"phone": user.phone, "national_id": user.national_id}
