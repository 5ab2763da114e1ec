"""Area scoping: the ONE place that decides which part of the area tree a user reaches.

Every selector of every app builds its queryset filter here (`subtree_q`) and every
single-object lookup goes through `get_for_user`, which answers 404 for an object outside
the user's area and 403 for one visible but not writable. Views never filter by area.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from tuquan.core.actors import Actor
from tuquan.core.roles import ROLE_CAPS, Cap, Role

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Grant:
    role: str
    area_id: int
    area_path: str
    area_level: str
    caps: frozenset[str]


def grants(user: Any) -> tuple[Grant, ...]:
    """The user's role assignments, loaded once per request and cached on the user object.
    Any, not Actor: it reads the account's assignments and caches on it (accounts is above core)."""
    if getattr(user, "is_console", False):
        return _console_grants()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_tuquan_grants", None)
    if cached is None:
        # `user` is among the columns read: the related manager checks each row's user_id
        # against the user it came from, and a deferred user_id cost a query per assignment.
        rows = user.assignments.select_related("area").only(
            "role", "user", "area__id", "area__path", "area__level"
        )
        cached = tuple(
            Grant(r.role, r.area.id, r.area.path, r.area.level, ROLE_CAPS.get(r.role, frozenset()))
            for r in rows
        )
        user._tuquan_grants = cached
    return cached


def _console_grants() -> tuple[Grant, ...]:
    from tuquan.core.models import COUNTRY_IDENT, Area

    country = Area.objects.filter(ident=COUNTRY_IDENT).only("id", "path", "level").first()
    if country is None:
        return ()
    return (Grant(Role.SYSTEM_ADMIN, country.id, country.path, country.level, ROLE_CAPS[Role.SYSTEM_ADMIN]),)


def forget(user: Any) -> None:
    if hasattr(user, "_tuquan_grants"):
        del user._tuquan_grants


def has_cap(user: Actor, cap: str) -> bool:
    return any(cap in g.caps for g in grants(user))


def roots(user: Actor, cap: str = Cap.AREA_READ) -> list[str]:
    """Paths of the subtrees where the user holds `cap`, without nested duplicates."""
    paths = sorted({g.area_path for g in grants(user) if cap in g.caps})
    kept: list[str] = []
    for path in paths:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def subtree_q(user: Actor, cap: str = Cap.AREA_READ, *, path_field: str = "area__path") -> Q:
    """A filter for any model whose rows hang off an area: rows inside the user's subtrees."""
    paths = roots(user, cap)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{path_field}__startswith": path})
    return q


def covers(user: Actor, path: str, cap: str = Cap.AREA_READ) -> bool:
    return any(path.startswith(root) for root in roots(user, cap))


def sees_all_teams(user: Actor, path: str) -> bool:
    """Whether the user sees every team of the area at `path` (figures may then come from the
    kept totals instead of the teams the user can see, one by one)."""
    return is_system_admin(user) or covers(user, path, Cap.TEAM_READ)


def area_q(user: Actor) -> Q:
    """Areas a user may see: their subtrees, the ancestors of those (names for navigation
    only), and the pre-2025 units that became part of their area."""
    from tuquan.core.models import LEGACY_LEVELS, Level

    own = [g for g in grants(user) if Cap.AREA_READ in g.caps]
    if not own:
        return Q(pk__in=[])
    q = subtree_q(user, Cap.AREA_READ, path_field="path")
    ancestors: set[str] = set()
    province_ids: set[int] = set()
    commune_ids: set[int] = set()
    for g in own:
        ancestors.update(g.area_path.rstrip("/").split("/")[:-1])
        if g.area_level == Level.COUNTRY:
            return Q()
        if g.area_level == Level.PROVINCE:
            province_ids.add(g.area_id)
        elif g.area_level == Level.COMMUNE:
            commune_ids.add(g.area_id)
    if ancestors:
        q |= Q(ident__in=ancestors)
    if province_ids:
        q |= Q(level__in=LEGACY_LEVELS, province_id__in=province_ids)
    if commune_ids:
        q |= Q(level__in=LEGACY_LEVELS, ident__in=_legacy_lineage(commune_ids))
    return q


def _legacy_lineage(commune_ids: Iterable[int]) -> set[str]:
    """Legacy communes that flowed (wholly or partly) into these communes, with their
    legacy district and province."""
    from tuquan.core.models import Area

    paths = Area.objects.filter(successor_links__successor_id__in=list(commune_ids)).values_list(
        "path", flat=True
    )
    idents: set[str] = set()
    for path in paths:
        idents.update(p for p in path.rstrip("/").split("/")[1:])
    return idents


def get_for_user(
    queryset: models.QuerySet[M],
    user: Actor,
    *,
    visible_q: Q,
    writable: Any = None,
    **lookup: Any,
) -> M:
    """Fetch one object: 404 if it is outside what the user may see, 403 if `writable`
    (a predicate on the object) says the user may not change it."""
    obj = queryset.filter(visible_q).filter(**lookup).first()
    if obj is None:
        raise Http404(_("Không tìm thấy hoặc nằm ngoài địa bàn của bạn."))
    if writable is not None and not writable(obj):
        raise PermissionDenied(_("Bạn không có quyền thay đổi mục này."))
    return obj


def is_system_admin(user: Actor) -> bool:
    return any(g.role == Role.SYSTEM_ADMIN for g in grants(user))
