"""Every non-trivial read of areas and the audit log, scoped through core.scoping."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tuquan.core import permissions, scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditEntry, Level
from tuquan.core.roles import Cap
from tuquan.core.text import normalize_search


def areas_visible(user: Actor) -> QuerySet[Area]:
    return Area.objects.filter(scoping.area_q(user))


def area_get_for_user(user: Actor, ident: str, *, write: bool = False) -> Area:
    """One area by its contract ident: 404 outside the user's area, 403 if it may not be changed.

    Ancestors of the user's area are visible (for navigation) but never writable.
    """
    return scoping.get_for_user(
        Area.objects.select_related("parent"),
        user,
        visible_q=scoping.area_q(user),
        writable=(lambda a: permissions.can_edit_area(user, a)) if write else None,
        ident=ident,
    )


def area_children(user: Actor, area: Area, *, include_ended: bool = False) -> QuerySet[Area]:
    qs = areas_visible(user).filter(parent=area)
    if not include_ended and not area.is_legacy:
        qs = qs.filter(valid_to__isnull=True)
    return qs.order_by("number", "sort_name") if area.level == Level.COMMUNE else qs.order_by("sort_name")


def area_list(
    user: Actor,
    *,
    level: str | None = None,
    q: str = "",
    parent: Area | None = None,
    limit: int | None = None,
) -> QuerySet[Area]:
    qs = areas_visible(user)
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(path__startswith=parent.path).exclude(pk=parent.pk)
    needle = normalize_search(q)
    if needle:
        for word in needle.split():
            qs = qs.filter(search_name__contains=word)
    qs = qs.select_related("parent").order_by("level", "sort_name", "path")
    return qs[:limit] if limit else qs


def area_breadcrumb(user: Actor, area: Area) -> list[Area]:
    idents = area.ancestor_idents()
    found = {a.ident: a for a in areas_visible(user).filter(ident__in=idents)}
    return [found[i] for i in idents if i in found]


def user_home_areas(user: Actor) -> list[Area]:
    """The top areas a user starts browsing from (their assignments)."""
    ids = {g.area_id for g in scoping.grants(user) if Cap.AREA_READ in g.caps}
    return list(Area.objects.filter(pk__in=ids).order_by("path"))


def audit_list(user: Actor, *, action: str = "", actor: str = "", q: str = "") -> QuerySet[AuditEntry]:
    """Audit entries of the user's subtrees (entries without an area only for system admins)."""
    visible = scoping.subtree_q(user, Cap.AUDIT_VIEW, path_field="area_path")
    if scoping.is_system_admin(user):
        visible = Q()
    qs = AuditEntry.objects.filter(visible)
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_username__iexact=actor.strip())
    if q:
        qs = qs.filter(Q(object_label__icontains=q) | Q(object_type__icontains=q))
    # The rows are told as sentences naming the person and the area (core.audit.describe).
    return qs.select_related("actor", "area").order_by("-at", "-id")


def placement_queue(user: Actor, *, include_placed: bool = False) -> QuerySet[Any]:
    """Queued records whose old commune flowed into a commune the user may write."""
    from tuquan.core.models import PendingPlacement

    communes = Area.objects.filter(
        scoping.subtree_q(user, Cap.AREA_WRITE, path_field="path"), level=Level.COMMUNE
    )
    qs = PendingPlacement.objects.filter(legacy_area__successor_links__successor__in=communes).distinct()
    if not include_placed:
        qs = qs.filter(placed_at__isnull=True)
    return qs.select_related("legacy_area__parent__parent", "content_type").order_by("created_at", "id")


def placement_get_for_user(user: Actor, pk: int) -> Any:
    from tuquan.core.models import PendingPlacement

    return scoping.get_for_user(
        PendingPlacement.objects.select_related("legacy_area", "content_type"),
        user,
        visible_q=Q(pk__in=placement_queue(user, include_placed=True).values("pk")),
        pk=pk,
    )


def placement_targets(user: Actor, placement: Any) -> QuerySet[Area]:
    """Current villages of the successor communes that the user may write."""
    successors = placement.legacy_area.successor_links.values("successor")
    return (
        Area.objects.filter(
            scoping.subtree_q(user, Cap.AREA_WRITE, path_field="path"),
            level=Level.VILLAGE,
            parent__in=successors,
            valid_to__isnull=True,
        )
        .select_related("parent")
        .order_by("path")
    )
