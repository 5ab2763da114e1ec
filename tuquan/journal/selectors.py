"""Every non-trivial read of the journal, scoped through core.scoping."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.journal.models import Approval, Entry, EntryStatus
from tuquan.journal.periods import month_start, next_month
from tuquan.journal.permissions import can_record_entry
from tuquan.registry import stocks
from tuquan.registry.models import Membership, ModelType, Team, TeamArea, TeamStatusChange
from tuquan.registry.selectors import people_visible, teams_visible

# Entries for a month are due by this day of the next month; later ones count as late.
DEADLINE_DAY = 5


def entries_visible(user: Actor) -> QuerySet[Entry]:
    return Entry.objects.filter(scoping.subtree_q(user, Cap.TEAM_READ, path_field="village__path"))


def entry_get_for_user(user: Actor, uid: Any, *, write: bool = False) -> Entry:
    return scoping.get_for_user(
        Entry.objects.select_related("team__type", "village", "created_by", "reviewed_by"),
        user,
        visible_q=Q(pk__in=entries_visible(user).values("pk")),
        writable=(lambda e: can_record_entry(user, e.team, e.village)) if write else None,
        uid=uid,
    )


def team_journal(user: Actor, team: Team, *, limit: int = 30) -> QuerySet[Entry]:
    return (
        entries_visible(user)
        .filter(team=team)
        .select_related("village")
        # What the list shows: building 30 entries of 36 columns, each with its village's
        # 20, cost more than reading them.
        .only("uid", "kind", "occurred_on", "status", "village", "village__short_name")
        .order_by("-occurred_on", "-id")[:limit]
    )


def review_queue(user: Actor, commune: Area) -> QuerySet[Entry]:
    """Entries of the commune waiting for the officer: submitted ones first."""
    return (
        entries_visible(user)
        .filter(
            village__path__startswith=commune.path, status__in=[EntryStatus.SUBMITTED, EntryStatus.RETURNED]
        )
        .select_related("team", "village")
        .order_by("status", "occurred_on", "id")
    )


def month_blockers(user: Any, village: Area, month: date) -> QuerySet[Entry]:
    """What keeps a village's month from being approved: its entries not yet checked."""
    month = month_start(month)
    return (
        entries_visible(user)
        .filter(village=village, occurred_on__gte=month, occurred_on__lt=next_month(month))
        .exclude(status=EntryStatus.VERIFIED)
        .select_related("team", "village")
        .order_by("occurred_on", "id")
    )


def next_to_check(user: Any, after: Entry) -> Entry | None:
    """The entry waiting in the same commune's queue after `after` (in the queue's order),
    or the first one, so that checking one entry leads straight to the next."""
    commune = after.village.parent
    if commune is None:
        return None
    queue = review_queue(user, commune).filter(status=EntryStatus.SUBMITTED).exclude(pk=after.pk)
    later = queue.filter(
        Q(occurred_on__gt=after.occurred_on) | Q(occurred_on=after.occurred_on, id__gt=after.pk)
    ).first()
    return later or queue.first()


def months_between(start: date, end: date) -> list[date]:
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = next_month(current)
    return months


def reporting_status(user: Actor, area: Area, start: date, end: date) -> list[dict[str, Any]]:
    """One row per (active team, its village in the area, month): entries recorded, and
    whether any came after the deadline (the 5th of the next month).

    A fixed handful of queries whatever the period: statuses, areas and entries are fetched
    once and walked month by month in memory (a ten-year report stays cheap)."""
    entries = entries_visible(user).filter(
        village__path__startswith=area.path, occurred_on__gte=month_start(start), occurred_on__lte=end
    )
    counts: Counter[tuple[int, int, date]] = Counter()
    late = set()
    # Grouped in the database: one row per team, village and month, with the latest entry time.
    grouped = (
        entries.annotate(m=TruncMonth("occurred_on"))
        .values("team_id", "village_id", "m")
        .annotate(n=Count("id"), last=Max("created_at"))
        .order_by()
    )
    for row in grouped:
        m = row["m"].date() if isinstance(row["m"], datetime) else row["m"]
        key = (row["team_id"], row["village_id"], m)
        counts[key] = row["n"]
        due = next_month(m) + timedelta(days=DEADLINE_DAY - 1)
        if timezone.localdate(row["last"]) > due:
            late.add(key)
    links = list(
        TeamArea.objects.filter(team__in=teams_visible(user).values("pk"))
        .filter(
            Q(area__path__startswith=area.path) | Q(area__ident__in=[*area.ancestor_idents(), area.ident])
        )
        .select_related("team", "area")
    )
    team_ids = {link.team_id for link in links}
    history: dict[int, list[tuple[date, str]]] = {}
    for team_id, on, state in (
        TeamStatusChange.objects.filter(team_id__in=team_ids)
        .order_by("on", "id")
        .values_list("team_id", "on", "status")
    ):
        history.setdefault(team_id, []).append((on, state))
    commune_ids = [link.area_id for link in links if link.area.level != Level.VILLAGE]
    villages_of: dict[int, list[Area]] = {}
    for village in Area.objects.filter(
        parent_id__in=commune_ids, level=Level.VILLAGE, valid_to__isnull=True, path__startswith=area.path
    ):
        villages_of.setdefault(village.parent_id or 0, []).append(village)
    pairs: list[tuple[Team, Area]] = []
    for link in links:
        villages = [link.area] if link.area.level == Level.VILLAGE else villages_of.get(link.area_id, [])
        pairs.extend((link.team, v) for v in villages if v.path.startswith(area.path))
    rows: list[dict[str, Any]] = []
    today = timezone.localdate()
    for month in months_between(start, end):
        month_end = min(next_month(month) - timedelta(days=1), end, today)
        if month_end < month:
            continue
        for team, village in pairs:
            if _status_on(history.get(team.pk, []), month_end) not in ("active", "weak"):
                continue
            key = (team.pk, village.pk, month)
            rows.append(
                {
                    "team": team,
                    "village": village,
                    "month": month,
                    "entries": counts.get(key, 0),
                    "late": key in late,
                }
            )
    return rows


def reporting_teams(user: Actor, area: Area) -> QuerySet[Team] | None:
    """The teams whose reporting a user may count in an area, or None for all of them: who
    sees the whole commune (or more) sees every team working in it, while someone who sees
    less (a village) does not see a commune-wide team working in their village."""
    whole = scoping.sees_all_teams(user, area.path)
    if whole and area.level != Level.VILLAGE:
        return None
    if area.parent is not None and scoping.covers(user, area.parent.path, Cap.TEAM_READ):
        return None
    return teams_visible(user)


def expected_pairs(user: Actor, area: Area, start: date, end: date, type_code: str | None = None) -> int:
    """How many (team, village, month) pairs had to report in the period: each team active or
    weak at the month's end (the period's end or today, if earlier), at each village of the
    area it works in (a team of a whole commune, at each of its current villages). The same
    count as `len(reporting_status(...))`, computed in the database: the teams' status spans
    (on, until) are grouped and weighted by their villages, so a national year reads a few
    thousand grouped rows, not a row per team and month."""
    return expected_pairs_by(user, area, start, end, type_code).get(None, 0)


# The column of a village that names the child area it counts under, by the child's level.
CHILD_COLUMN: dict[str, str] = {
    Level.VILLAGE: "id",
    Level.COMMUNE: "parent_id",
    Level.PROVINCE: "province_id",
}


def expected_pairs_by(
    user: Actor,
    area: Area,
    start: date,
    end: date,
    type_code: str | None = None,
    child_level: str | None = None,
) -> dict[Any, int]:
    """`expected_pairs` for the area (key None), or for each of its children at `child_level`
    at once (keyed by the child's id), for whoever sees the whole area."""
    import bisect

    from django.db import connection

    last = min(end, timezone.localdate())
    month_ends = [min(next_month(m) - timedelta(days=1), last) for m in months_between(start, last)]
    if not month_ends:
        return {}
    # Only a real restriction becomes a condition: an IN over every team of the country
    # turns SQLite's plan into villages × teams probes.
    teams = reporting_teams(user, area)
    if teams is None and (child_level or area.level) in stocks.LEVELS:
        return _expected_from_stocks(area, month_ends, type_code, child_level)
    if type_code:
        teams = (teams if teams is not None else Team.objects.all()).filter(type__code=type_code)
    team_sql, team_params = (
        ("", []) if teams is None else teams.values("pk").order_by().query.sql_with_params()
    )
    only = f"AND l.team_id IN ({team_sql})" if teams is not None else ""
    key = f"v.{CHILD_COLUMN[child_level]}" if child_level else "NULL"
    like = area.path + "%"
    # A CTE reads the same on SQLite and PostgreSQL.
    sql = f"""
    WITH pairs AS (
        SELECT l.team_id AS team_id, {key} AS child FROM registry_teamarea l JOIN core_area v ON v.id = l.area_id
        WHERE v.level = 'village' AND v.path LIKE %s {only}
        UNION ALL
        SELECT l.team_id, {key} FROM core_area v JOIN core_area c ON c.id = v.parent_id
        JOIN registry_teamarea l ON l.area_id = c.id
        WHERE c.level <> 'village' AND v.level = 'village' AND v.valid_to IS NULL AND v.path LIKE %s {only}
    ),
    per_team AS (SELECT team_id, child, COUNT(*) AS n FROM pairs GROUP BY team_id, child)
    SELECT per_team.child, s."on", s.until, SUM(per_team.n)
    FROM registry_teamstatuschange s JOIN per_team ON per_team.team_id = s.team_id
    WHERE s.status IN ('active', 'weak') GROUP BY per_team.child, s."on", s.until
    """  # noqa: S608 (compiled ORM subqueries, fixed column names and placeholders only)
    # A commune-wide team counts at the area's current villages; their commune is inside the
    # area or (for a village) its parent, so the villages' path is the only condition.
    params = [like, *team_params, like, *team_params]
    totals: dict[Any, int] = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for child, since, until, weight in cur.fetchall():
            since = date.fromisoformat(since) if isinstance(since, str) else since
            until = date.fromisoformat(until) if isinstance(until, str) else until
            # Month ends inside [since, until): the status held at that month's end.
            first = bisect.bisect_left(month_ends, since)
            stop = len(month_ends) if until is None else bisect.bisect_left(month_ends, until)
            totals[child] = totals.get(child, 0) + max(0, stop - first) * int(weight)
    return totals


def _expected_from_stocks(
    area: Area, month_ends: list[date], type_code: str | None, child_level: str | None
) -> dict[Any, int]:
    """`expected_pairs_by` from the registry's kept stocks of (team, village) pairs: the
    sum of the stock over the month ends, for a commune, a province or the country."""
    model_type = None
    if type_code:
        model_type = ModelType.objects.filter(code=type_code).values_list("pk", flat=True).first() or -1
    if child_level is None:
        return {None: stocks.summed_on([area.pk], month_ends, stocks.PAIRS, model_type).get(area.pk, 0)}
    children = Area.objects.filter(level=child_level, path__startswith=area.path).values_list("pk", flat=True)
    return stocks.summed_on(children, month_ends, stocks.PAIRS, model_type)


def _status_on(changes: list[tuple[date, str]], day: date) -> str:
    state = ""
    for on, status in changes:
        if on > day:
            break
        state = status
    return state


def approvals_for(commune: Area, month: date) -> dict[int, Approval]:
    return {
        a.village_id: a for a in Approval.objects.filter(village__parent=commune, month=month_start(month))
    }


def commune_month(user: Actor, commune: Area, month: date) -> dict[str, Any]:
    """What the commune officer needs for one month: villages with approval state and
    pending entries, teams that recorded nothing, late submissions."""
    month = month_start(month)
    end = next_month(month) - timedelta(days=1)
    status = reporting_status(user, commune, month, end)
    approvals = approvals_for(commune, month)
    pending = Counter(
        entries_visible(user)
        .filter(village__parent=commune, occurred_on__gte=month, occurred_on__lte=end)
        .exclude(status=EntryStatus.VERIFIED)
        .values_list("village_id", flat=True)
    )
    villages = Area.objects.filter(parent=commune, level=Level.VILLAGE, valid_to__isnull=True).order_by(
        "number"
    )
    return {
        "month": month,
        "villages": [
            {"village": v, "approval": approvals.get(v.pk), "pending": pending.get(v.pk, 0)} for v in villages
        ],
        "silent": [r for r in status if not r["entries"]],
        "late": [r for r in status if r["late"]],
        "completeness": (sum(1 for r in status if r["entries"]), len(status)),
    }


def province_month(user: Actor, province: Area, month: date) -> dict[str, Any]:
    """Communes of the province with their villages' approval state for a month."""
    month = month_start(month)
    approvals = Approval.objects.filter(village__path__startswith=province.path, month=month).values_list(
        "village__parent_id", "status"
    )
    by_commune: dict[int | None, Counter[str]] = {}
    for commune_id, state in approvals:
        by_commune.setdefault(commune_id, Counter())[state] += 1
    communes = Area.objects.filter(
        scoping.subtree_q(user, Cap.TEAM_READ, path_field="path"), parent=province, level=Level.COMMUNE
    ).order_by("sort_name")
    end = next_month(month) - timedelta(days=1)
    status = reporting_status(user, province, month, end)
    return {
        "month": month,
        "communes": [
            {"commune": c, "states": by_commune.get(c.pk, Counter())} for c in communes if c.pk in by_commune
        ],
        "completeness": (sum(1 for r in status if r["entries"]), len(status)),
        "late": sum(1 for r in status if r["late"]),
    }


def active_members(team: Team, day: date) -> list[Any]:
    """The people on the team's roster on `day` (ticked by default when recording)."""
    rows = (
        Membership.objects.filter(team=team, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .select_related("person")
        .order_by("person__sort_name")
    )
    return [m.person for m in rows]


def aggregates_for(user: Actor, area: Area) -> QuerySet[Any]:
    from tuquan.journal.models import Aggregate

    return (
        Aggregate.objects.filter(
            scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"), area__path__startswith=area.path
        )
        .select_related("area")
        .order_by("-period_start", "indicator")[:200]
    )


def approved_villages(user: Actor, province: Area, month: date) -> QuerySet[Approval]:
    """Village-months the communes approved and the province has yet to accept."""
    from tuquan.journal.models import ApprovalStatus

    return (
        Approval.objects.filter(
            scoping.subtree_q(user, Cap.JOURNAL_ACCEPT, path_field="village__path"),
            village__path__startswith=province.path,
            month=month_start(month),
            status=ApprovalStatus.APPROVED,
        )
        .select_related("village__parent")
        .order_by("village__path")
    )


# --- for the API ---------------------------------------------------------------------------


def entry_list(
    user: Actor,
    *,
    team: Team | None = None,
    area: Area | None = None,
    kind: str = "",
    status: str = "",
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Entry]:
    """Entries the user sees, filtered, with everything a list shows in a fixed number of
    queries: team and village, the participants the user may see (people.read; others only
    counted), and the approval state of the entry's village-month."""
    from django.db.models import Count, OuterRef, Prefetch, Subquery

    qs = entries_visible(user)
    if team is not None:
        qs = qs.filter(team=team)
    if area is not None:
        qs = qs.filter(village__path__startswith=area.path)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if start is not None:
        qs = qs.filter(occurred_on__gte=start)
    if end is not None:
        qs = qs.filter(occurred_on__lte=end)
    approval = Approval.objects.filter(
        village=OuterRef("village"),
        month__year=OuterRef("occurred_on__year"),
        month__month=OuterRef("occurred_on__month"),
    )
    return (
        qs.select_related("team", "village")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=people_visible(user).only("id", "uid", "full_name").order_by("sort_name"),
                to_attr="visible_participants",
            )
        )
        .annotate(
            participant_count=Count("participants", distinct=True),
            month_status=Subquery(approval.values("status")[:1]),
        )
        .order_by("-occurred_on", "-id")
    )


def village_approvals(user: Actor, area: Area, month: date) -> QuerySet[Area]:
    """The villages of `area` that existed in `month` and whose figures the user approves
    (journal.review) or accepts (journal.accept), each with its approval state for the month
    and the number of its entries not yet verified."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    month = month_start(month)
    end = next_month(month) - timedelta(days=1)
    reach = scoping.subtree_q(user, Cap.JOURNAL_REVIEW, path_field="path") | scoping.subtree_q(
        user, Cap.JOURNAL_ACCEPT, path_field="path"
    )
    approval = Approval.objects.filter(village=OuterRef("pk"), month=month)
    pending = (
        Entry.objects.filter(village=OuterRef("pk"), occurred_on__gte=month, occurred_on__lte=end)
        .exclude(status=EntryStatus.VERIFIED)
        .order_by()
        .values("village")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Area.objects.filter(reach, path__startswith=area.path, level=Level.VILLAGE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=month))
        .select_related("parent")
        .annotate(
            approval_status=Subquery(approval.values("status")[:1]),
            approved_by_name=Subquery(approval.values("approved_by__full_name")[:1]),
            approved_at=Subquery(approval.values("approved_at")[:1]),
            accepted_by_name=Subquery(approval.values("accepted_by__full_name")[:1]),
            accepted_at=Subquery(approval.values("accepted_at")[:1]),
            reopen_reason=Subquery(approval.values("reopen_reason")[:1]),
            pending=Coalesce(Subquery(pending, output_field=IntegerField()), Value(0)),
        )
        .order_by("path")
    )


def aggregate_list(user: Actor, area: Area, *, indicator: str = "") -> QuerySet[Any]:
    """Period totals entered for `area`'s subtree, newest period first (not cut at 200 as
    `aggregates_for`, for paging)."""
    from tuquan.journal.models import Aggregate

    qs = Aggregate.objects.filter(
        scoping.subtree_q(user, Cap.AREA_READ, path_field="area__path"), area__path__startswith=area.path
    )
    if indicator:
        qs = qs.filter(indicator=indicator)
    return qs.select_related("area").order_by("-period_start", "indicator", "area__path")


def participants_for(user: Actor, uids: list[Any]) -> list[Any]:
    """The people named as an entry's participants, in one query: 404 when any of them is
    outside what the user may see (people.read)."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    wanted = list(dict.fromkeys(uids))
    if not wanted:
        return []  # most entries name nobody: building the query cost half a millisecond
    found = list(people_visible(user).filter(uid__in=wanted))
    if len(found) != len(wanted):
        raise Http404(_("Không tìm thấy hoặc nằm ngoài địa bàn của bạn."))
    return found


def team_villages(team: Team) -> list[Area]:
    """The villages a team works in: its own, and every village of a commune it serves."""
    villages: list[Area] = []
    for area in team.areas.all():
        if area.level == Level.VILLAGE:
            villages.append(area)
        else:
            villages.extend(area.children.filter(level=Level.VILLAGE))
    return villages
