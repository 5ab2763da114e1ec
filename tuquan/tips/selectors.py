"""Every read of the tip line. Officers' reads are scoped through core.scoping; the public
page reads only the names of current areas (which are public)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.audit import audit_record
from tuquan.core.models import Area, AreaSuccession, AuditAction, Level
from tuquan.core.roles import Cap
from tuquan.core.text import normalize_search
from tuquan.tips import permissions
from tuquan.tips.models import Tip, TipNotice, TipState

UNTOUCHED_AFTER = timedelta(hours=24)


# --- public: places a resident may choose ------------------------------------------------


def public_provinces() -> QuerySet[Area]:
    return Area.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).order_by("sort_name")


def public_area(ident: str, level: str) -> Area | None:
    if not ident:
        return None
    return (
        Area.objects.filter(ident=ident, level=level, valid_to__isnull=True).select_related("parent").first()
    )


def public_children(area: Area, level: str) -> QuerySet[Area]:
    qs = Area.objects.filter(parent=area, level=level, valid_to__isnull=True)
    return qs.order_by("number", "sort_name") if level == Level.VILLAGE else qs.order_by("sort_name")


def public_place_search(q: str, *, limit: int = 20) -> list[Area]:
    """Current communes and villages whose name matches what the resident typed, diacritics
    ignored; a pre-2025 commune's name leads to the commune(s) it became."""
    needle = normalize_search(q)
    if len(needle) < 2:
        return []
    words = Q()
    for word in needle.split():
        words &= Q(search_name__contains=word)
    current = list(
        Area.objects.filter(words, level__in=[Level.COMMUNE, Level.VILLAGE], valid_to__isnull=True)
        .select_related("parent", "parent__parent")
        .order_by("level", "path")[:limit]
    )
    legacy = Area.objects.filter(words, level="legacy_commune").values("pk")[:limit]
    successors = Area.objects.filter(
        pk__in=AreaSuccession.objects.filter(predecessor__in=legacy).values("successor"),
        valid_to__isnull=True,
    ).select_related("parent")
    seen = {a.pk for a in current}
    current += [a for a in successors if a.pk not in seen]
    return current[:limit]


# --- officers ----------------------------------------------------------------------------


def _require_any_triage(user: Actor) -> None:
    if not permissions.can_triage_tip(user):
        raise PermissionDenied(_("Bạn không xử lý tin báo."))


def tips_visible(user: Actor) -> QuerySet[Tip]:
    return Tip.objects.filter(scoping.subtree_q(user, Cap.TIP_TRIAGE, path_field="area__path"))


def tip_get_for_user(user: Actor, uid: Any) -> Tip:
    """403 without tip triage anywhere; 404 for a tip outside the officer's area."""
    _require_any_triage(user)
    return scoping.get_for_user(
        Tip.objects.select_related(
            "area", "commune", "assigned_to", "duplicate_of", "linked_entry", "linked_team"
        ),
        user,
        visible_q=scoping.subtree_q(user, Cap.TIP_TRIAGE, path_field="area__path"),
        uid=uid,
    )


def tip_inbox(user: Actor, *, state: str = "", area: Area | None = None) -> QuerySet[Tip]:
    _require_any_triage(user)
    qs = (
        tips_visible(user)
        .select_related("area", "commune", "assigned_to")
        .annotate(photo_count=Count("photos"))
    )
    if state == "open":
        qs = qs.exclude(state=TipState.CLOSED)
    elif state:
        qs = qs.filter(state=state)
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    return qs.order_by("-received_at", "-id")


def is_untouched(tip: Tip, now: Any = None) -> bool:
    """Waiting for an officer for more than 24 hours (highlighted in the inbox)."""
    now = now or timezone.now()
    return tip.awaiting_since is not None and tip.awaiting_since <= now - UNTOUCHED_AFTER


def tip_notices(user: Actor, *, limit: int = 20) -> QuerySet[TipNotice]:
    return (
        TipNotice.objects.filter(user_id=user.pk, read_at__isnull=True)
        .filter(scoping.subtree_q(user, Cap.TIP_TRIAGE, path_field="tip__area__path"))
        .select_related("tip")[:limit]
    )


def tip_identity_for(user: Actor, tip: Tip) -> dict[str, str]:
    """The resident's name and phone, when they gave them: for the assigned officer only,
    and every read is audited."""
    if not permissions.can_read_reporter(user, tip):
        raise PermissionDenied(_("Chỉ cán bộ được giao xử lý tin báo này xem được người báo tin."))
    audit_record(
        actor=user,
        action=AuditAction.READ,
        obj=tip,
        area=tip.commune,
        label=str(tip),
        details={"fields": ["reporter_name", "reporter_phone"]},
    )
    return {"name": tip.reporter_name, "phone": tip.reporter_phone}


def duplicate_candidates(user: Actor, tip: Tip, *, limit: int = 30) -> QuerySet[Tip]:
    return tips_visible(user).filter(commune=tip.commune).exclude(pk=tip.pk).order_by("-received_at")[:limit]
