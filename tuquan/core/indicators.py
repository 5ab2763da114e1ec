"""The indicator vocabulary: one code per figure, used by `tuquan indicators`, reports and
the dashboard. Apps define their codes and register providers that compute them.

Conventions (the JSON contract): counts are integers; money is a decimal string in VND; a
ratio is {"numerator", "denominator", "ratio"} with ratio null when the denominator is 0;
a breakdown ends in `.by_<dimension>` and maps that dimension's identifiers to values;
stocks (teams, members, balances) are taken on the last day of the period, flows
(patrols, tips) summed over it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from tuquan.core.actors import Actor
from tuquan.core.models import Area


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    definition: str
    kind: str  # "stock", "flow", "ratio", "money"
    owner: str = ""  # the module whose provider computes it
    # The code whose note explains this one too (households the asker may not read).
    explained_by: str | None = None


@dataclass
class Query:
    actor: Actor
    area: Area
    start: date
    end: date
    # Reports may count approved figures only, or all with the unapproved marked in the notes.
    approved_only: bool = False
    # Restrict team-based figures to one model type (the report engine's `by type`).
    type_code: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    # The codes asked for (None: every one). A provider may skip the work no asked code needs;
    # `compute` keeps only the asked codes, so a skipped part's placeholders never show.
    codes: frozenset[str] | None = None

    def wants(self, *codes: str) -> bool:
        """Whether any of these codes (or their `.by_<dimension>` breakdowns) was asked."""
        if self.codes is None:
            return True
        return any(base(asked) in codes or asked in codes for asked in self.codes)

    def wants_prefix(self, prefix: str) -> bool:
        return self.codes is None or any(asked.startswith(prefix) for asked in self.codes)


INDICATORS: dict[str, Indicator] = {}
Provider = Callable[[Query], dict[str, Any]]
PROVIDERS: list[Provider] = []


# A code's breakdowns (`teams.active.by_type`) → the code.
BREAKDOWNS: dict[str, str] = {}


@dataclass(frozen=True)
class Family:
    """Codes named by a prefix and defined by data (a model type's own indicators,
    `extra.<code>`): their provider, and the codes that exist now."""

    owner: str
    members: Callable[[], set[str]]


FAMILIES: dict[str, Family] = {}


def define(
    code: str,
    label: str,
    definition: str,
    kind: str = "stock",
    *,
    by: tuple[str, ...] = (),
    explained_by: str | None = None,
) -> None:
    # The defining module is the one whose provider gives the code (a test checks it), so
    # asking for a few codes runs only the providers that give them.
    owner = sys._getframe(1).f_globals["__name__"]
    INDICATORS[code] = Indicator(code, label, definition, kind, owner=owner, explained_by=explained_by)
    for dimension in by:
        BREAKDOWNS[f"{code}.by_{dimension}"] = code


def family(prefix: str, members: Callable[[], set[str]]) -> None:
    """Codes starting with `prefix` belong to the caller's provider; `members` lists them."""
    FAMILIES[prefix] = Family(sys._getframe(1).f_globals["__name__"], members)


def base(code: str) -> str:
    """The indicator a breakdown belongs to: `teams.active.by_type` → `teams.active`."""
    return BREAKDOWNS.get(code, code)


class UnknownIndicator(ValueError):
    pass


def owner(code: str) -> str | None:
    """The module whose provider gives the code (None: no such code; a family's codes are
    matched by prefix here, and checked against the data by `select`)."""
    known = INDICATORS.get(base(code))
    if known is not None:
        return known.owner
    return next((f.owner for prefix, f in FAMILIES.items() if code.startswith(prefix)), None)


def _exists(code: str) -> bool:
    if base(code) in INDICATORS:
        return True
    return any(code.startswith(prefix) and code in f.members() for prefix, f in FAMILIES.items())


def select(codes: Iterable[str] | None) -> frozenset[str] | None:
    """The asked codes, checked (None: every code). An empty list is refused, as an unknown
    code is: asking for nothing is a mistake, not a wish for everything."""
    if codes is None:
        return None
    asked = frozenset(c.strip() for c in codes if c.strip())
    if not asked:
        raise UnknownIndicator("Chưa có mã chỉ tiêu nào (xem `tuquan indicator_codes`).")
    unknown = sorted(c for c in asked if not _exists(c))
    if unknown:
        raise UnknownIndicator(
            "Không có mã chỉ tiêu: " + ", ".join(unknown) + " (xem `tuquan indicator_codes`)."
        )
    return asked


def explaining(codes: frozenset[str]) -> set[str]:
    """The codes whose notes explain the asked ones: each code, the code a breakdown belongs
    to, and the code declared to explain it."""
    found = set(codes)
    for code in codes:
        found.add(base(code))
        known = INDICATORS.get(base(code))
        if known is not None and known.explained_by:
            found.add(known.explained_by)
    return found


def known(codes: Iterable[str]) -> list[str]:
    """The codes among these that exist (a stored criterion may name one since removed)."""
    return [c for c in codes if _exists(c)]


def _runs(fn: Provider, codes: frozenset[str] | None) -> bool:
    return codes is None or any(owner(c) == fn.__module__ for c in codes)


# A provider's grouped form: the same figures for sibling areas (the children of one area,
# same actor and period) in a few grouped queries instead of one round per child. It must
# give exactly what the provider gives for each area (tests compare them).
Grouped = Callable[[list[Query]], list[dict[str, Any]]]
GROUPED: dict[Provider, Grouped] = {}


def provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


def grouped(single: Provider) -> Callable[[Grouped], Grouped]:
    def register(fn: Grouped) -> Grouped:
        GROUPED[single] = fn
        return fn

    return register


def ratio(numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "numerator": numerator,
        "denominator": denominator,
        "ratio": round(numerator / denominator, 4) if denominator else None,
    }


def money(value: Decimal | int | None) -> str:
    return str(Decimal(value or 0).quantize(Decimal(1)))


def _queries(
    actor: Actor,
    areas: list[Area],
    start: date,
    end: date,
    approved_only: bool,
    type_code: str | None,
    codes: Iterable[str] | None,
) -> list[Query]:
    if end < start:
        raise ValueError("end before start")
    asked = select(codes)
    return [
        Query(
            actor=actor,
            area=area,
            start=start,
            end=end,
            approved_only=approved_only,
            type_code=type_code,
            codes=asked,
        )
        for area in areas
    ]


def compute(
    *,
    actor: Actor,
    area: Area,
    start: date,
    end: date,
    approved_only: bool = False,
    type_code: str | None = None,
    codes: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Every indicator for the area's subtree (as far as the actor sees it) and period, or
    only the `codes` asked for (the same values, less work)."""
    (query,) = _queries(actor, [area], start, end, approved_only, type_code, codes)
    values: dict[str, Any] = {}
    for fn in PROVIDERS:
        if _runs(fn, query.codes):
            values.update(fn(query))
    return _result(query, values)


def _result(query: Query, values: dict[str, Any]) -> dict[str, Any]:
    """The JSON contract of one area's figures (docs/indicators.md)."""
    asked = query.codes
    kept = explaining(asked) if asked is not None else set()
    return {
        "area": {"id": query.area.ident, "name": query.area.short_name},
        "from": query.start.isoformat(),
        "to": query.end.isoformat(),
        "indicators": dict(sorted((c, v) for c, v in values.items() if asked is None or c in asked)),
        # A note on a code not asked is left out unless it explains one that is; a general
        # note (`journal.unapproved`) stays.
        "notes": dict(
            sorted((c, n) for c, n in query.notes.items() if asked is None or c in kept or owner(c) is None)
        ),
    }


def siblings(
    queries: list[Query], levels: tuple[str, ...] = ("village", "commune", "province")
) -> Area | None:
    """The common parent of the queries' areas when they are siblings at one of `levels`
    (what a grouped form can read at once), else None (computed one by one)."""
    first = queries[0].area
    parent = first.parent
    if parent is None or first.level not in levels:
        return None
    if any(q.area.level != first.level or q.area.parent_id != parent.pk for q in queries):
        return None
    return parent


def child_key(level: str, field: str) -> Any:
    """An expression naming, for a row tied to an area through `field` (a village or a
    commune), the child area at `level` it counts under: itself for villages, the commune
    (its own or its village's) for communes, the province for provinces."""
    from django.db.models import Case, F, When

    if level == "village":
        return F(f"{field}_id")
    if level == "commune":
        return Case(
            When(**{f"{field}__level": "commune"}, then=F(f"{field}_id")), default=F(f"{field}__parent_id")
        )
    return F(f"{field}__province_id")


@dataclass
class Group:
    """One area, or sibling areas read together by a grouped form: rows are read at `scope`
    (the area, or the siblings' parent) and tagged with the child they count under."""

    queries: list[Query]
    parent: Area | None

    @classmethod
    def of(cls, queries: list[Query]) -> Group | None:
        """None when several areas are not siblings (the caller computes them one by one)."""
        if len(queries) == 1:
            return cls(queries, None)
        parent = siblings(queries)
        return None if parent is None else cls(queries, parent)

    @property
    def first(self) -> Query:
        return self.queries[0]

    @property
    def scope(self) -> Area:
        return self.parent or self.first.area

    @property
    def ids(self) -> list[int]:
        return [q.area.pk for q in self.queries]

    def key(self, field: str) -> Any:
        from django.db.models import Value

        return child_key(self.first.area.level, field) if self.parent else Value(self.first.area.pk)

    def tag(self, rows: Any, field: str = "area") -> Any:
        """Rows annotated with `child` (read through `field`), only those of the group's areas."""
        rows = rows.annotate(child=self.key(field))
        return rows.filter(child__in=self.ids) if self.parent else rows


class ChildOf:
    """Which sibling area a path falls in (for the few rows read into Python)."""

    def __init__(self, queries: list[Query]) -> None:
        self.by_path = {q.area.path: q.area.pk for q in queries}
        self.depth = queries[0].area.path.count("/")

    def __call__(self, path: str | None) -> int | None:
        if not path:
            return None
        return self.by_path.get("/".join(path.split("/")[: self.depth]) + "/")


def compute_children(
    *,
    actor: Actor,
    areas: list[Area],
    start: date,
    end: date,
    approved_only: bool = False,
    type_code: str | None = None,
    codes: Iterable[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """`compute` for sibling areas (a province's communes, a commune's villages), keyed by
    ident: each provider's grouped form where it has one, else one call per area."""
    queries = _queries(actor, areas, start, end, approved_only, type_code, codes)
    values: list[dict[str, Any]] = [{} for _ in queries]
    for fn in PROVIDERS:
        if not queries or not _runs(fn, queries[0].codes):
            continue
        many = GROUPED.get(fn)
        parts = many(queries) if many and queries else [fn(q) for q in queries]
        for mine, part in zip(values, parts, strict=True):
            mine.update(part)
    return {q.area.ident: _result(q, v) for q, v in zip(queries, values, strict=True)}
