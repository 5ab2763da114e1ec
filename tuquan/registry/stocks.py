"""Longer than 600 lines: the write path's islands and the set-based rebuild are one
definition of each stock written twice (Python per key, SQL for all); kept side by side so
that a change to one is seen beside the other.

The registry's stocks on any day, kept as day-by-day changes per commune, province and the
country (`models.Stock`).

A stock is a count on one day: teams active, teams weak, sites (type × place) with an active
team, villages and communes covered, distinct members, the statutory force by role and birth
year, the journal's expected reporting pairs, teams on paper only. Counting them from the source tables
for a province or the country means distinct counts over millions of memberships (seconds at
national scale); here each is the sum of its changes up to the day, a few thousand rows.

Each stock counts *keys* (a team, a place, a village, a commune, a person). A key's
*islands* are the days it counts, worked out from the source tables for that key alone: the
union of its teams' active spans (clipped to the membership or the village's own life). An
island adds +1 on its first day and -1 on the day after its last. Distinct counts stay exact
because a person serving in two teams of a commune has one island there, not two.

Writes declare what they change (`changing`): the keys' islands are worked out before and
after, in the same transaction, and only the difference is written; `rebuild` and `verify`
work out every key. Rows for a key are locked first, so two writers of one key take turns.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, Sum

from tuquan.core.models import Area
from tuquan.core.rawsql import code_condition, placeholders, unindexed

# Where stocks are kept: the levels whose figures cost distinct counts over many rows.
# A village's figures read its handful of teams directly.
LEVELS = ("commune", "province", "country")
ALL = 0  # model_type of a count over every type

TEAMS, WEAK, SITES, VILLAGES, COMMUNES, MEMBERS = "teams", "weak", "sites", "villages", "communes", "members"
# The journal's expected reporting pairs: (team, village) pairs of active teams, a team of a
# whole commune at each of the commune's current villages (journal.selectors.expected_pairs).
PAIRS = "pairs"
# Teams that exist on paper only (assessment.indicators.paper_only_teams): active, set up at
# least PAPER_DAYS before, and with no verified journal entry in the PAPER_DAYS up to the day.
PAPER = "paper"
PAPER_DAYS = 6 * 30
# Members of the statutory force by role ("force.leader"…), model_type holding the birth year
# (0 unknown), so the age groups can be read for any year.
FORCE = "force."

Deltas = Counter[tuple[int, str, int, date]]  # (area_id, code, model_type, day) → change


def _models(apps: Any = None) -> Any:
    """The models, live or a migration's historical ones (the same code fills the table
    in the migration that creates it)."""

    class M:
        pass

    names = {"Area": "core", "Team": "registry", "TeamArea": "registry", "TeamStatusChange": "registry"}
    names |= {"Membership": "registry", "Stock": "registry", "Person": "registry", "ModelType": "registry"}
    names |= {"Entry": "journal"}
    if apps is None:
        from django.apps import apps as live

        apps = live
    for name, app in names.items():
        setattr(M, name, apps.get_model(app, name))
    return M


def _merge(intervals: Iterable[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    """The union of half-open day intervals [start, end); end None is open."""
    merged: list[tuple[date, date | None]] = []
    for start, end in sorted(intervals, key=lambda iv: iv[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end:
                if last_end is not None and (end is None or end > last_end):
                    merged[-1] = (last_start, end)
                continue
        merged.append((start, end))
    return merged


def _clip(
    intervals: Iterable[tuple[date, date | None]], start: date | None, end: date | None
) -> list[tuple[date, date | None]]:
    found = []
    for s, e in intervals:
        s2 = max(s, start) if start else s
        e2 = e if end is None else (end if e is None else min(e, end))
        if e2 is None or s2 < e2:
            found.append((s2, e2))
    return found


def _add(
    deltas: Deltas, areas: Iterable[int], code: str, model_type: int, islands: list[Any], weight: int = 1
) -> None:
    for area in areas:
        for start, end in islands:
            deltas[(area, code, model_type, start)] += weight
            if end is not None:
                deltas[(area, code, model_type, end)] -= weight


@dataclass
class _Team:
    type_id: int
    established_on: date | None = None
    spans: list[tuple[date, date | None, bool]] = field(default_factory=list)  # (on, until, weak)
    links: list[int] = field(default_factory=list)

    def active(self) -> list[tuple[date, date | None]]:
        return [(on, until) for on, until, _weak in self.spans]


class _World:
    """The teams and places a set of keys reaches, loaded once per computation."""

    def __init__(self, m: Any) -> None:
        self.m = m
        self.teams: dict[int, _Team] = {}
        self.places: dict[int, tuple[str, int | None, date | None, date | None]] = {}
        self.stock_areas: dict[int, tuple[int, ...]] = {}
        self.path_ids: dict[str, int] = {}
        self.looked: set[str] = set()
        self._statutory: set[int] | None = None

    def load_teams(self, ids: Iterable[int]) -> None:
        from tuquan.registry.models import TeamStatus

        wanted = sorted(set(ids) - set(self.teams))
        for chunk in _chunks(wanted):
            for pk, type_id, established in self.m.Team.objects.filter(pk__in=chunk).values_list(
                "pk", "type_id", "established_on"
            ):
                self.teams[pk] = _Team(type_id, established)
            active = [TeamStatus.ACTIVE, TeamStatus.WEAK]
            for team_id, on, until, status in (
                self.m.TeamStatusChange.objects.filter(team_id__in=chunk, status__in=active)
                .order_by()
                .values_list("team_id", "on", "until", "status")
            ):
                if until is None or until > on:  # a change replaced on its own day held no day
                    self.teams[team_id].spans.append((on, until, status == TeamStatus.WEAK))
            links = self.m.TeamArea.objects.filter(team_id__in=chunk).values_list("team_id", "area_id")
            for team_id, area_id in links:
                self.teams[team_id].links.append(area_id)
        self.load_places(a for t in wanted for a in self.teams[t].links if t in self.teams)

    def load_places(self, ids: Iterable[int]) -> None:
        """Link areas (villages, communes): level, commune, life, and the stock areas over them."""
        wanted = sorted(set(ids) - set(self.places))
        paths: dict[int, str] = {}
        for chunk in _chunks(wanted):
            for pk, level, parent, since, until, path in self.m.Area.objects.filter(pk__in=chunk).values_list(
                "pk", "level", "parent_id", "valid_from", "valid_to", "path"
            ):
                commune = pk if level == "commune" else parent if level == "village" else None
                ends = until + timedelta(days=1) if until else None
                self.places[pk] = (level, commune, since, ends)
                paths[pk] = path
        prefixes = {p[: i + 1] for p in paths.values() for i, ch in enumerate(p) if ch == "/"}
        by_path: dict[str, int] = {}
        fresh, self.looked = prefixes - self.looked, self.looked | prefixes
        for chunk in _chunks(sorted(fresh)):
            found = self.m.Area.objects.filter(path__in=chunk, level__in=LEVELS).values_list("path", "pk")
            by_path.update(found)
        self.path_ids.update(by_path)
        for pk, path in paths.items():
            self.stock_areas[pk] = tuple(
                self.path_ids[path[: i + 1]]
                for i, ch in enumerate(path)
                if ch == "/" and path[: i + 1] in self.path_ids
            )

    def statutory(self) -> set[int]:
        if self._statutory is None:
            self._statutory = set(
                self.m.ModelType.objects.filter(is_statutory=True).values_list("pk", flat=True)
            )
        return self._statutory

    def areas_of_team(self, team: _Team) -> set[int]:
        return {a for link in team.links for a in self.stock_areas.get(link, ())}


def _chunks(items: list[Any], size: int = 2000) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class Keys:
    """What a change may alter: teams (their own counts), link areas (sites, villages),
    communes (communes covered) and people (members)."""

    teams: set[int] = field(default_factory=set)
    places: set[int] = field(default_factory=set)
    communes: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)

    # Teams whose journal changed (entries verified or no longer): only their paper-only days.
    journals: set[int] = field(default_factory=set)

    def __sub__(self, other: Keys) -> Keys:
        return Keys(
            self.teams - other.teams,
            self.places - other.places,
            self.communes - other.communes,
            self.people - other.people,
            self.journals - other.journals - other.teams,
        )

    def __or__(self, other: Keys) -> Keys:
        return Keys(
            self.teams | other.teams,
            self.places | other.places,
            self.communes | other.communes,
            self.people | other.people,
            self.journals | other.journals,
        )

    def __bool__(self) -> bool:
        return bool(self.teams or self.places or self.communes or self.people or self.journals)


def keys_of(
    *,
    teams: Iterable[int] = (),
    people: Iterable[int] = (),
    areas: Iterable[int] = (),
    journals: Iterable[int] = (),
    m: Any = None,
) -> Keys:
    """The keys a change to these teams, people, link areas and teams' journals may alter: a
    team reaches its links, their communes and its members."""
    m = m or _models()
    keys = Keys(set(teams), set(areas), set(), set(people), set(journals))
    for found in (keys.teams, keys.places, keys.people, keys.journals):
        # An object made inside the change has no id yet: it is reported with `created`.
        found.discard(None)  # type: ignore[arg-type]
    if keys.teams:
        keys.places |= set(
            m.TeamArea.objects.filter(team_id__in=keys.teams).values_list("area_id", flat=True)
        )
        keys.people |= set(
            m.Membership.objects.filter(team_id__in=keys.teams).values_list("person_id", flat=True)
        )
    if keys.places:
        for pk, level, parent in m.Area.objects.filter(pk__in=keys.places).values_list(
            "pk", "level", "parent_id"
        ):
            keys.communes.add(pk if level == "commune" else parent)
    keys.communes.discard(None)  # type: ignore[arg-type]
    return keys


def deltas_for(keys: Keys, m: Any = None, paper_done: set[int] | None = None) -> Deltas:
    """Every stock change that the keys' islands make, from the source tables (but the
    paper-only days of the teams in `paper_done`, counted already)."""
    m = m or _models()
    world = _World(m)
    deltas: Deltas = Counter()
    _teams(world, keys.teams, deltas)
    _paper(world, (keys.teams | keys.journals) - (paper_done or set()), deltas)
    _places(world, keys.places, deltas)
    _communes(world, keys.communes, deltas)
    _people(world, keys.people, deltas)
    return deltas


def _teams(world: _World, ids: set[int], deltas: Deltas) -> None:
    world.load_teams(ids)
    for pk in ids:
        team = world.teams.get(pk)
        if team is None:
            continue
        areas = world.areas_of_team(team)
        _add(deltas, areas, TEAMS, team.type_id, team.active())
        _add(deltas, areas, WEAK, team.type_id, [(on, until) for on, until, weak in team.spans if weak])


# journal.EntryStatus.VERIFIED, as stored: the journal's entries are read through the app
# registry (`_models`), since the registry sits below the journal.
VERIFIED = "verified"


def _paper(world: _World, ids: set[int], deltas: Deltas) -> None:
    world.load_teams(ids)
    worked: dict[int, list[date]] = defaultdict(list)
    for chunk in _chunks(sorted(ids)):
        verified = world.m.Entry.objects.filter(team_id__in=chunk, status=VERIFIED).order_by()
        for team_id, day in verified.values_list("team_id", "occurred_on").distinct():
            worked[team_id].append(day)
    window = timedelta(days=PAPER_DAYS)
    for pk in ids:
        team = world.teams.get(pk)
        if team is None:
            continue
        days = _clip(team.active(), team.established_on + window if team.established_on else None, None)
        # A verified entry on day E keeps the team off paper from E to E + PAPER_DAYS - 1.
        for start, end in _merge((day, day + window) for day in worked.get(pk, ())):
            days = [piece for s, e in days for piece in _minus(s, e, start, end)]
        # Paper-only teams are wanted in total only (assessment figures have no model type).
        _add(deltas, world.areas_of_team(team), PAPER, ALL, days)


def _minus(s: date, e: date | None, start: date, end: date | None) -> list[tuple[date, date | None]]:
    """[s, e) without [start, end)."""
    kept: list[tuple[date, date | None]] = []
    if start > s:
        kept.append((s, start if e is None else min(e, start)))
    if end is not None and (e is None or end < e):
        kept.append((max(s, end), e))
    return [(a, b) for a, b in kept if b is None or a < b]


def _linked(world: _World, filter_: Q) -> list[tuple[int, int, int | None]]:
    rows = list(world.m.TeamArea.objects.filter(filter_).values_list("team_id", "area_id", "area__parent_id"))
    world.load_teams({t for t, _a, _p in rows})
    return rows


def _places(world: _World, ids: set[int], deltas: Deltas) -> None:
    at: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(sorted(ids)):
        for team_id, area_id, _parent in _linked(world, Q(area_id__in=chunk)):
            at[area_id].append(team_id)
    world.load_places(ids)
    current = Counter(
        world.m.Area.objects.filter(parent_id__in=list(ids), level="village", valid_to__isnull=True)
        .order_by()
        .values_list("parent_id", flat=True)
    )
    for place in ids:
        if place not in world.places:
            continue
        level, _commune, since, ends = world.places[place]
        areas = world.stock_areas[place]
        by_type: dict[int, list[Any]] = defaultdict(list)
        for team_id in at.get(place, ()):
            team = world.teams[team_id]
            by_type[team.type_id] += team.active()
            weight = 1 if level == "village" else current.get(place, 0)
            _add(deltas, areas, PAIRS, team.type_id, team.active(), weight)
        for type_id, spans in by_type.items():
            _add(deltas, areas, SITES, type_id, _merge(spans))
            if level == "village":
                _add(deltas, areas, VILLAGES, type_id, _merge(_clip(spans, since, ends)))
        if level == "village" and by_type:
            every = [iv for spans in by_type.values() for iv in spans]
            _add(deltas, areas, VILLAGES, ALL, _merge(_clip(every, since, ends)))


def _communes(world: _World, ids: set[int], deltas: Deltas) -> None:
    at: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(sorted(ids)):
        q = Q(area_id__in=chunk, area__level="commune") | Q(area__parent_id__in=chunk, area__level="village")
        for team_id, area_id, parent in _linked(world, q):
            at[area_id if area_id in ids else parent].append(team_id)  # type: ignore[index]
    world.load_places(ids)
    for commune in ids:
        if commune not in world.places:
            continue
        areas = world.stock_areas[commune]
        by_type: dict[int, list[Any]] = defaultdict(list)
        for team_id in set(at.get(commune, ())):
            team = world.teams[team_id]
            by_type[team.type_id] += team.active()
        for type_id, spans in by_type.items():
            _add(deltas, areas, COMMUNES, type_id, _merge(spans))
        if by_type:
            _add(deltas, areas, COMMUNES, ALL, _merge([iv for s in by_type.values() for iv in s]))


def _people(world: _World, ids: set[int], deltas: Deltas) -> None:
    serving: dict[int, list[tuple[int, date, date | None, str, int]]] = defaultdict(list)
    born: dict[int, int] = {}
    for chunk in _chunks(sorted(ids)):
        memberships = world.m.Membership.objects.filter(person_id__in=chunk).values_list(
            "person_id", "team_id", "start_on", "end_on", "role", "id"
        )
        for person, team_id, start, end, role, pk in memberships:
            serving[person].append((team_id, start, end + timedelta(days=1) if end else None, role, pk))
    # Birth years only of those who serve: an import of 100,000 new people, few of them in a
    # team, would otherwise read all their rows again.
    for chunk in _chunks(sorted(serving)):
        people = world.m.Person.objects.filter(pk__in=chunk, birth_year__isnull=False)
        born.update(people.values_list("pk", "birth_year"))
    world.load_teams({row[0] for rows in serving.values() for row in rows})
    statutory = world.statutory()
    for person, rows in serving.items():
        pieces: dict[tuple[int, int], list[Any]] = defaultdict(list)
        force: dict[int, list[tuple[date, date | None, tuple[Any, ...], str]]] = defaultdict(list)
        for team_id, start, end, role, pk in rows:
            team = world.teams.get(team_id)
            if team is None:
                continue
            spans = _clip(team.active(), start, end)
            if not spans:
                continue
            for area in world.areas_of_team(team):
                pieces[(area, team.type_id)] += spans
                pieces[(area, ALL)] += spans
                if team.type_id in statutory:
                    force[area] += [(s, e, (team_id, start, pk), role) for s, e in spans]
        for (area, type_id), spans in pieces.items():
            _add(deltas, (area,), MEMBERS, type_id, _merge(spans))
        for area, served in force.items():
            for role, islands in _roles(served).items():
                _add(deltas, (area,), FORCE + role, born.get(person, 0), islands)


def _roles(served: list[tuple[date, date | None, tuple[Any, ...], str]]) -> dict[str, list[Any]]:
    """A member of the statutory force counts once, under the role of their first membership
    serving that day (by team, start, entry: as `registry.indicators` orders them)."""
    cuts = sorted({s for s, _e, _o, _r in served} | {e for _s, e, _o, _r in served if e is not None})
    open_ended = any(e is None for _s, e, _o, _r in served)
    found: dict[str, list[Any]] = defaultdict(list)
    for i, day in enumerate(cuts):
        upto = cuts[i + 1] if i + 1 < len(cuts) else None
        if upto is None and not open_ended:
            break
        here = [(o, r) for s, e, o, r in served if s <= day and (e is None or e > day)]
        if here:
            found[min(here)[1]].append((day, upto))
    return {role: _merge(days) for role, days in found.items()}


# --- writing ----------------------------------------------------------------------------------

UPSERT = """
INSERT INTO registry_stock (area_id, code, model_type, day, delta) VALUES {values}
ON CONFLICT (area_id, code, model_type, day) DO UPDATE SET delta = registry_stock.delta + excluded.delta
"""


def _write(deltas: Deltas) -> int:
    """Add the changes to the table (rows sorted, so concurrent writers lock in one order)."""
    rows = sorted((k, v) for k, v in deltas.items() if v)
    with connection.cursor() as cur:
        for chunk in _chunks(rows, 500):
            params: list[Any] = []
            for (area, code, model_type, day), delta in chunk:
                params += [area, code, model_type, day, delta]
            cur.execute(UPSERT.format(values=", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))), params)
    return len(rows)


def _select_for_update(model: Any, ids: set[Any]) -> None:
    ids = ids - {None}
    if ids:
        # FOR NO KEY UPDATE: stock writers of a row still take turns, but an insert that only
        # references the row (a journal entry naming its team: a FOR KEY SHARE check) does
        # not wait for them; with FOR UPDATE it did, and an entry's writer holding its
        # village-month waited on a stock writer waiting for that month (a deadlock).
        list(
            model.objects.select_for_update(no_key=True)
            .filter(pk__in=sorted(ids))
            .order_by("pk")
            .values_list("pk")
        )


def _lock_teams(ids: set[Any], m: Any) -> None:
    if connection.vendor != "sqlite":
        _select_for_update(m.Team, ids)


def _lock(keys: Keys, m: Any) -> None:
    """Writers of the same key take turns (a no-op on SQLite, whose writers already do), in
    one order: teams, areas, people."""
    if connection.vendor == "sqlite":
        return
    _select_for_update(m.Team, keys.teams | keys.journals)
    _select_for_update(m.Area, keys.places | keys.communes)
    _select_for_update(m.Person, keys.people)


_local = threading.local()


@dataclass
class Change:
    """An open change: the keys declared so far and their stocks before it."""

    keys: Keys
    before: Deltas
    new: Keys = field(default_factory=Keys)

    def created(
        self, *, teams: Iterable[int] = (), people: Iterable[int] = (), places: Iterable[int] = ()
    ) -> None:
        """Teams, people or villages made inside the change: nothing of theirs counted before."""
        self.new.teams |= set(teams)
        self.new.people |= set(people)
        self.new.places |= set(places)


@contextmanager
def changing(
    *,
    teams: Iterable[int] = (),
    people: Iterable[int] = (),
    areas: Iterable[int] = (),
    journals: Iterable[int] = (),
    joining: Iterable[int] = (),
) -> Iterator[Change]:
    """Keep the stocks right across a write of teams (status, links, type, founding day),
    memberships (`people`, and the teams they are `joining`), link areas (new links,
    villages' life) or teams' journals. Declare every existing team, person and area the
    write touches; report made ones with `Change.created`. A change inside another joins
    it, and the outer one writes the difference once."""
    m = _models()
    outer: Change | None = getattr(_local, "change", None)
    # The teams first (the declared ones, those the people serve in or join): a concurrent
    # writer of one of them waits here, before either works out what the other changes.
    served = m.Membership.objects.filter(person_id__in=[p for p in people if p is not None])
    _lock_teams({*teams, *journals, *joining, *served.values_list("team_id", flat=True)}, m)
    declared = keys_of(teams=teams, people=people, areas=areas, journals=journals, m=m)
    if outer is not None:
        extra = declared - outer.keys - outer.new
        if extra:
            _lock(extra, m)
            # A team whose journal the outer change declared has its paper-only days there.
            outer.before.update(deltas_for(extra, m, paper_done=outer.keys.journals))
            outer.keys = outer.keys | extra
        yield outer
        return
    with transaction.atomic():
        _lock(declared, m)
        change = Change(declared, deltas_for(declared, m))
        _local.change = change
        try:
            yield change
        finally:
            _local.change = None
        reached = keys_of(
            teams=change.keys.teams | change.new.teams,
            people=change.keys.people | change.new.people,
            areas=change.keys.places | change.new.places,
            m=m,
        )
        reached.journals |= change.keys.journals
        missing = reached - change.keys - change.new
        if missing:
            # A key not declared has no "before": its stocks would drift. A bug in the caller.
            raise RuntimeError(f"stocks: change reaches undeclared keys {missing}")
        after = deltas_for(reached, m)
        after.subtract(change.before)
        _write(after)


def villages_changing(ids: list[int]) -> Any:
    """For `core.services.VILLAGE_LIFE_WATCHERS`: villages that end or begin (or the commune
    that gains one) change the villages covered and the communes' reporting pairs."""
    parents = Area.objects.filter(pk__in=ids, level="village").values_list("parent_id", flat=True)
    return changing(areas=[*ids, *parents])


# --- reading, rebuilding, verifying -----------------------------------------------------------


STOCKS_SQL = "SELECT area_id, code, model_type, SUM(delta) FROM registry_stock WHERE {where} GROUP BY 1, 2, 3"


def stocks_on(
    area_ids: Iterable[int], day: date, codes: list[str] | None = None
) -> dict[int, dict[str, dict[int, int]]]:
    """area → code → model type (0: every type) → the stock on `day`; a code ending in a
    dot (FORCE) stands for every code it begins."""
    found: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    ids = list(area_ids)
    if not ids:
        return found
    # One plain statement: the report engine reads it for every figure it gives, and building
    # it through the ORM cost more than running it.
    where = f"area_id IN ({placeholders(ids)}) AND day <= %s"
    params: list[Any] = [*ids, day]
    if codes is not None:
        condition, more = code_condition(
            [c for c in codes if not c.endswith(".")], [c for c in codes if c.endswith(".")]
        )
        where += f" AND {condition}"
        params += more
    with connection.cursor() as cur:
        cur.execute(STOCKS_SQL.format(where=where), params)  # placeholders only
        for area, code, model_type, n in cur.fetchall():
            if n:
                found[area][code][model_type] = int(n)
    return found


def summed_on(area_ids: Iterable[int], days: list[date], code: str, model_type: int | None) -> dict[int, int]:
    """area → the sum of one stock over several days (the journal's month ends); a type's,
    or (None) every type's."""
    import bisect

    from tuquan.registry.models import Stock

    if not days:
        return {}
    days = sorted(days)
    rows = Stock.objects.filter(area_id__in=list(area_ids), code=code, day__lte=days[-1])
    if model_type is not None:
        rows = rows.filter(model_type=model_type)
    found: dict[int, int] = defaultdict(int)
    for area, day, n in rows.values_list("area_id", "day").annotate(n=Sum("delta")).order_by():
        # A change on `day` counts on every one of the days from it on.
        found[area] += (len(days) - bisect.bisect_left(days, day)) * n
    return dict(found)


def _all_keys(m: Any, chunk: int = 20000) -> Iterator[Keys]:
    """Every key, in batches (people by ranges of ids: most of the rows)."""
    teams = list(m.Team.objects.order_by("pk").values_list("pk", flat=True))
    for part in _chunks(teams, chunk):
        yield Keys(teams=set(part))
    places = sorted(set(m.TeamArea.objects.values_list("area_id", flat=True).distinct()))
    for part in _chunks(places, chunk):
        yield Keys(places=set(part))
    communes = list(m.Area.objects.filter(level="commune").order_by("pk").values_list("pk", flat=True))
    for part in _chunks(communes, chunk):
        yield Keys(communes=set(part))
    people = m.Membership.objects.order_by().values_list("person_id", flat=True).distinct()
    for part in _chunks(sorted(people), chunk):
        yield Keys(people=set(part))


def recount(apps: Any = None) -> Deltas:
    """Every stock change, worked out from the source tables alone."""
    m = _models(apps)
    total: Deltas = Counter()
    for keys in _all_keys(m):
        total.update(deltas_for(keys, m))
    return Counter({k: v for k, v in total.items() if v})


def verify() -> list[str]:
    """Each stock row against a recount; the differences, in words."""
    from tuquan.registry.models import Stock

    stored: Deltas = Counter()
    for area, code, model_type, day, n in (
        Stock.objects.values_list("area_id", "code", "model_type", "day").annotate(n=Sum("delta")).order_by()
    ):
        if n:
            stored[(area, code, model_type, day)] = n
    expected = recount()
    problems = []
    for key in sorted(set(stored) | set(expected)):
        if stored.get(key, 0) != expected.get(key, 0):
            area, code, model_type, day = key
            problems.append(
                f"tồn {code} (loại {model_type}) của địa bàn {area} ngày {day}: "
                f"ghi {stored.get(key, 0)}, đếm lại {expected.get(key, 0)}"
            )
    return problems


# --- rebuilding set-based ---------------------------------------------------------------------


class _Dialect:
    """The few expressions that differ between PostgreSQL and SQLite (dates are text there)."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.far = "DATE '9999-12-31'" if self.pg else "'9999-12-31'"
        self.near = "DATE '0001-01-01'" if self.pg else "'0001-01-01'"

    def plus(self, day: str, days: int) -> str:
        return f"({day} + {days})" if self.pg else f"date({day}, '+{days} days')"

    def greatest(self, *terms: str) -> str:
        return f"{'GREATEST' if self.pg else 'MAX'}({', '.join(terms)})"

    def least(self, *terms: str) -> str:
        return f"{'LEAST' if self.pg else 'MIN'}({', '.join(terms)})"


def _islands(source: str, keys: str) -> str:
    """The union of each key's half-open day intervals (`source` gives the keys, s and e, e the
    far day when open) as its islands, as `_merge` does: an interval that starts on or before
    the end of any earlier one joins its island."""
    return f"""SELECT {keys}, MIN(s) AS s, MAX(e) AS e FROM (
  SELECT {keys}, s, e, SUM(fresh) OVER (PARTITION BY {keys} ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS g FROM (
    SELECT {keys}, s, e, CASE WHEN s <= MAX(e) OVER (PARTITION BY {keys} ORDER BY s, e
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS fresh FROM ({source}) x
  ) y
) z GROUP BY {keys}, g"""  # noqa: S608


class _Rebuild:
    """The stocks' changes worked out in the database from the source tables, one temporary
    table per step, into `stock_deltas` (area, code, model type, day, change)."""

    TABLES = (
        *("stock_nums", "stock_anc", "stock_spans", "stock_islands", "stock_team_areas", "stock_windows"),
        *("stock_places", "stock_sites", "stock_served", "stock_alone", "stock_several", "stock_deltas"),
    )

    def __init__(self, cur: Any) -> None:
        self.cur, self.d = cur, _Dialect()

    def run(self, sql: str, params: list[Any] | None = None) -> None:
        # Always with a parameter list: "%%" then reads the same on both databases.
        self.cur.execute(sql, params or [])

    def table(self, name: str, sql: str, params: list[Any] | None = None) -> None:
        self.run(f"CREATE TEMPORARY TABLE {name} AS {sql}", params)

    def add(
        self,
        code: str,
        model_type: str,
        areas_join: str,
        source: str,
        weight: str = "1",
        area: str = "t.area_id",
    ) -> None:
        """+weight on each interval's first day and -weight on the day after its last (none
        for an open one), for every stock area `areas_join` finds (named `area`) for the
        interval's key; `source` gives s, e and the columns `areas_join` and `model_type` use.
        Summed as they go in: the members' intervals alone are tens of millions of rows at
        national scale, their changes some thousands."""
        day = "CASE WHEN k.k = 1 THEN x.s ELSE x.e END"
        self.run(
            f"INSERT INTO stock_deltas SELECT {area}, %s, {model_type}, {day}, SUM(k.k * {weight}) "  # noqa: S608
            f"FROM ({source}) x {areas_join} CROSS JOIN (SELECT 1 AS k UNION ALL SELECT -1) k "
            f"WHERE k.k = 1 OR x.e < {self.d.far} GROUP BY 1, 3, 4",
            [code],
        )

    def build(self) -> None:
        from tuquan.registry.models import TeamStatus

        d = self.d
        for name in reversed(self.TABLES):
            self.run(f"DROP TABLE IF EXISTS {name}")
        self.run(
            "CREATE TEMPORARY TABLE stock_deltas (area_id bigint, code varchar(16), model_type integer, day date, delta integer)"
        )
        # The stock areas over every linked area (and every commune): the communes, provinces
        # and country whose paths begin its own, as `_World.load_places` finds them.
        self.table(
            "stock_nums",
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 255) SELECT n FROM s",
        )
        levels = ", ".join(f"'{level}'" for level in LEVELS)
        self.table(
            "stock_anc",
            "SELECT DISTINCT a.id AS place_id, b.id AS area_id FROM core_area a "  # noqa: S608
            "JOIN stock_nums n ON n.n <= LENGTH(a.path) AND SUBSTR(a.path, n.n, 1) = '/' "
            f"JOIN core_area b ON b.path = SUBSTR(a.path, 1, n.n) AND b.level IN ({levels}) "
            "WHERE a.id IN (SELECT area_id FROM registry_teamarea) OR a.level = 'commune'",
        )
        # Teams' active spans (weak ones flagged); a change replaced on its own day held no day.
        self.table(
            "stock_spans",
            f'SELECT c.team_id, t.type_id, t.established_on AS est, c."on" AS s, COALESCE(c.until, {d.far}) AS e, '  # noqa: S608
            "c.status = %s AS weak FROM registry_teamstatuschange c JOIN registry_team t ON t.id = c.team_id "
            'WHERE c.status IN (%s, %s) AND (c.until IS NULL OR c.until > c."on")',
            [TeamStatus.WEAK, TeamStatus.ACTIVE, TeamStatus.WEAK],
        )
        self.table("stock_islands", _islands("SELECT team_id, s, e FROM stock_spans", "team_id"))
        self.table(
            "stock_team_areas",
            "SELECT DISTINCT l.team_id, a.area_id FROM registry_teamarea l JOIN stock_anc a ON a.place_id = l.area_id",
        )
        team_areas = "JOIN stock_team_areas t ON t.team_id = x.team_id"
        self.add(TEAMS, "x.type_id", team_areas, "SELECT team_id, type_id, s, e FROM stock_spans")
        self.add(WEAK, "x.type_id", team_areas, "SELECT team_id, type_id, s, e FROM stock_spans WHERE weak")
        self._paper(VERIFIED)
        self._places()
        self._communes()
        self._members()

    def _paper(self, verified: str) -> None:
        """Teams on paper only: active spans from PAPER_DAYS after founding, minus PAPER_DAYS
        from every verified entry's day (the gaps between those windows' islands)."""
        d = self.d
        windows = (
            # Two entries on one day make one island: no DISTINCT needed (a sort of millions).
            f"SELECT team_id, occurred_on AS s, {d.plus('occurred_on', PAPER_DAYS)} AS e "  # noqa: S608
            "FROM journal_entry WHERE status = %s"
        )
        self.table("stock_windows", _islands(windows, "team_id"), [verified])
        # The gaps: before each island (from the end of the one before), after the last, and
        # the whole time of a team with no verified entry.
        gaps = (
            f"SELECT team_id, COALESCE(LAG(e) OVER (PARTITION BY team_id ORDER BY s), {d.near}) AS s, s AS e "  # noqa: S608
            "FROM stock_windows UNION ALL "
            f"SELECT team_id, MAX(e), {d.far} FROM stock_windows GROUP BY team_id UNION ALL "
            f"SELECT p.team_id, {d.near}, {d.far} FROM (SELECT DISTINCT team_id FROM stock_spans) p "
            "LEFT JOIN (SELECT DISTINCT team_id FROM stock_windows) w ON w.team_id = p.team_id "
            "WHERE w.team_id IS NULL"
        )
        start = f"COALESCE({d.plus('p.est', PAPER_DAYS)}, {d.near})"
        pieces = (
            f"SELECT p.team_id, {d.greatest('p.s', start, 'g.s')} AS s, {d.least('p.e', 'g.e')} AS e "  # noqa: S608
            f"FROM stock_spans p JOIN ({gaps}) g ON g.team_id = p.team_id "
            f"WHERE {d.greatest('p.s', start, 'g.s')} < {d.least('p.e', 'g.e')}"
        )
        self.add(PAPER, str(ALL), "JOIN stock_team_areas t ON t.team_id = x.team_id", pieces)

    def _places(self) -> None:
        """Reporting pairs, sites and villages covered, per linked area (`_places`)."""
        d = self.d
        ends = f"COALESCE({d.plus('a.valid_to', 1)}, {d.far})"
        self.table(
            "stock_places",
            "SELECT a.id AS place_id, a.level, "  # noqa: S608
            f"COALESCE(a.valid_from, {d.near}) AS since, {ends} AS ends, "
            "CASE WHEN a.level = 'village' THEN 1 ELSE (SELECT COUNT(*) FROM core_area v "
            "WHERE v.parent_id = a.id AND v.level = 'village' AND v.valid_to IS NULL) END AS weight "
            "FROM core_area a WHERE a.id IN (SELECT area_id FROM registry_teamarea)",
        )
        place_areas = "JOIN stock_anc t ON t.place_id = x.place_id"
        self.add(
            PAIRS,
            "x.type_id",
            place_areas,
            "SELECT l.area_id AS place_id, p.type_id, p.s, p.e, w.weight FROM registry_teamarea l "
            "JOIN stock_spans p ON p.team_id = l.team_id JOIN stock_places w ON w.place_id = l.area_id",
            weight="x.weight",
        )
        self.table(
            "stock_sites",
            _islands(
                "SELECT l.area_id AS place_id, p.type_id, p.s, p.e FROM registry_teamarea l "
                "JOIN stock_spans p ON p.team_id = l.team_id",
                "place_id, type_id",
            ),
        )
        self.add(SITES, "x.type_id", place_areas, "SELECT place_id, type_id, s, e FROM stock_sites")
        # A village's life clips its cover (clipping an island is the island of the clipped).
        clipped = (
            f"SELECT x.place_id, x.type_id, {d.greatest('x.s', 'w.since')} AS s, {d.least('x.e', 'w.ends')} AS e "  # noqa: S608
            "FROM stock_sites x JOIN stock_places w ON w.place_id = x.place_id AND w.level = 'village' "
            f"WHERE {d.greatest('x.s', 'w.since')} < {d.least('x.e', 'w.ends')}"
        )
        self.add(VILLAGES, "x.type_id", place_areas, clipped)
        every = _islands(f"SELECT place_id, s, e FROM ({clipped}) c", "place_id")  # noqa: S608
        self.add(VILLAGES, str(ALL), place_areas, every)

    def _communes(self) -> None:
        """Communes covered: teams linked to the commune or to one of its villages (`_communes`)."""
        linked = (
            "SELECT DISTINCT l.team_id, CASE WHEN a.level = 'commune' THEN a.id ELSE a.parent_id END AS place_id "
            "FROM registry_teamarea l JOIN core_area a ON a.id = l.area_id WHERE a.level IN ('commune', 'village')"
        )
        spans = f"SELECT c.place_id, p.type_id, p.s, p.e FROM ({linked}) c JOIN stock_spans p ON p.team_id = c.team_id"  # noqa: S608
        areas = "JOIN stock_anc t ON t.place_id = x.place_id"
        self.add(COMMUNES, "x.type_id", areas, _islands(spans, "place_id, type_id"))
        self.add(COMMUNES, str(ALL), areas, _islands(f"SELECT place_id, s, e FROM ({spans}) y", "place_id"))  # noqa: S608

    def _members(self) -> None:
        """Distinct members per area and type (`_people`): a person's memberships clipped to
        their teams' islands. Someone with one membership has that membership's pieces as
        islands already; only the others need merging (most of the rows, none of the sorting)."""
        d = self.d
        ends = f"COALESCE({d.plus('m.end_on', 1)}, {d.far})"
        pieces = (
            f"SELECT m.person_id, m.team_id, t.type_id, {d.greatest('i.s', 'm.start_on')} AS s, "  # noqa: S608
            f"{d.least('i.e', ends)} AS e FROM registry_membership m JOIN stock_islands i ON i.team_id = m.team_id "
            "JOIN registry_team t ON t.id = m.team_id "
            f"WHERE {d.greatest('i.s', 'm.start_on')} < {d.least('i.e', ends)}"
        )
        self.table(
            "stock_served", "SELECT person_id, COUNT(*) AS n FROM registry_membership GROUP BY person_id"
        )
        served = "JOIN stock_served o ON o.person_id = x.person_id"
        # People with one membership, as many as share its team and pieces (a village's
        # roster, started on one day, is one row).
        self.table(
            "stock_alone",
            f"SELECT x.team_id, x.type_id, x.s, x.e, COUNT(*) AS n FROM ({pieces}) x {served} AND o.n = 1 "  # noqa: S608
            "GROUP BY x.team_id, x.type_id, x.s, x.e",
        )
        areas = "JOIN stock_team_areas t ON t.team_id = x.team_id"
        self.add(MEMBERS, "x.type_id", areas, "SELECT * FROM stock_alone", weight="x.n")
        self.add(MEMBERS, str(ALL), areas, "SELECT * FROM stock_alone", weight="x.n")
        self.table(
            "stock_several",
            f"SELECT x.person_id, t.area_id, x.type_id, x.s, x.e FROM ({pieces}) x {served} AND o.n > 1 {areas}",  # noqa: S608
        )
        # The area is in these islands' key already.
        several = "SELECT * FROM stock_several"
        self.add(MEMBERS, "x.type_id", "", _islands(several, "person_id, area_id, type_id"), area="x.area_id")
        self.add(MEMBERS, str(ALL), "", _islands(several, "person_id, area_id"), area="x.area_id")

    def drop(self) -> None:
        for name in reversed(self.TABLES):
            self.run(f"DROP TABLE IF EXISTS {name}")


def _force(m: Any) -> Deltas:
    """The statutory force by role and birth year, in Python for the people serving in a
    statutory team only: which role a member counts under on each day takes `_roles`' walk."""
    statutory = m.ModelType.objects.filter(is_statutory=True).values_list("pk", flat=True)
    people = sorted(
        set(
            m.Membership.objects.filter(team__type_id__in=list(statutory)).values_list("person_id", flat=True)
        )
    )
    found: Deltas = Counter()
    for part in _chunks(people, 20000):
        for key, n in deltas_for(Keys(people=set(part)), m).items():
            if key[1].startswith(FORCE):
                found[key] += n
    return found


def rebuild(apps: Any = None) -> int:
    """Empty the table and fill it again from the source tables, set-based in the database
    (a Python pass over five million memberships and twenty million entries took 19 minutes
    at national scale); the statutory force's roles are worked out in Python, for its members
    only. One transaction; returns the rows the table holds."""
    m = _models(apps)
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        steps = _Rebuild(cur)
        steps.build()
        with unindexed(cur, ["registry_stock"]):
            cur.execute(
                "INSERT INTO registry_stock (area_id, code, model_type, day, delta) "
                "SELECT area_id, code, model_type, day, SUM(delta) FROM stock_deltas "
                # In the key's order: an area's rows lie together on disk, so a province's
                # communes are read from a few pages each (scattered, it took 0.3-0.4 s at SF1).
                "GROUP BY area_id, code, model_type, day HAVING SUM(delta) <> 0 ORDER BY area_id, code, model_type, day"
            )
        steps.drop()
        _write(_force(m))
    return m.Stock.objects.count()
