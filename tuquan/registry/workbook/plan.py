"""What an import will write (`Plan`), and the small rules its sheets share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import VILLAGE_KINDS, Area, Level
from tuquan.core.text import normalize_search
from tuquan.core.workbook.writing import Changes
from tuquan.registry.models import (
    AttachTo,
    ModelType,
    Person,
    Team,
    TeamArea,
    TeamStatusChange,
    Training,
)
from tuquan.registry.workbook.format import ImportSummary

# --- import: reading ---------------------------------------------------------------------


# "Huyện Mai Sơn", "H. Mai Sơn", "TP. Sơn La", "Xã Phiêng Khoài": the short name follows one of these.
UNIT_PREFIX = re.compile(
    r"^(?:(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran|dac khu|tp|tx|tt)\s+|(?:tp|tx|tt|h|q|x|p)\.\s*)"
)
KIND_OPTIONS = {normalize_search(k): k for k in VILLAGE_KINDS}


# --- import: checking every row and planning the writes ---------------------------------------


@dataclass
class Plan:
    """Everything an import will write, already checked. `services.workbook_apply` writes it."""

    source: str
    summary: ImportSummary
    villages_new: list[Area] = field(default_factory=list)  # unsaved; their parent is the commune
    village_renames: list[tuple[Area, str, str]] = field(default_factory=list)
    village_merges: list[tuple[Area, Area, date]] = field(default_factory=list)
    types: Changes = field(default_factory=Changes)
    teams: Changes = field(default_factory=Changes)
    team_areas_new: list[TeamArea] = field(default_factory=list)
    team_areas_removed: list[tuple[Team, set[int]]] = field(default_factory=list)
    statuses_new: list[TeamStatusChange] = field(default_factory=list)
    people: Changes = field(default_factory=Changes)
    households: Changes = field(default_factory=Changes)
    memberships: Changes = field(default_factory=Changes)
    team_households: Changes = field(default_factory=Changes)
    commitments: Changes = field(default_factory=Changes)
    trainings: Changes = field(default_factory=Changes)
    attendees: list[tuple[Training, list[Person]]] = field(default_factory=list)
    commendations: Changes = field(default_factory=Changes)
    placements: list[tuple[Model, Area, str]] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)  # areas written, for the audit entry's area
    # Writes of later apps' sheets (the journal's), run in the same transaction after the rest.
    later: list[Callable[[], None]] = field(default_factory=list)
    # Existing teams whose journal those writes change (declared to the stocks up front).
    journals: set[int] = field(default_factory=set)


def place_column(c: wb.Cells) -> str:
    """Where a row says where it lives: "Nơi ở", or the old commune of an old address."""
    if c.has("area") and c.text("area"):
        return "area"
    return "old_commune" if c.has("old_commune") and c.text("old_commune") else "key"


def area_of(obj: Any) -> Area | None:
    """A record's area; None for a new row whose own line failed (its error is already listed)."""
    try:
        return obj.area
    except ObjectDoesNotExist:
        return None


def commune_of(area: Area | None) -> str | None:
    """The identifier of the current commune an area lies in (a village's is the part before
    its dot), compared by identifier because the same commune comes from several queries."""
    if area is None:
        return None
    if area.level == Level.COMMUNE:
        return area.ident
    if area.level == Level.VILLAGE:
        return area.ident.rsplit(".", 1)[0] if area.ident else getattr(area.parent, "ident", None)
    return None


def team_area_problem(model_type: ModelType, home: Area, areas: list[Area]) -> str | None:
    """services._check_team_areas' rules, except that an ended village is accepted: a team
    recorded at a village that was merged later is history, not an error."""
    if not areas:
        return _("Ghi ít nhất một địa bàn hoạt động.")
    if any(a.is_legacy or a.level not in (Level.VILLAGE, Level.COMMUNE) for a in areas):
        return _("Địa bàn hoạt động phải là thôn hoặc xã hiện hành.")
    communes = {commune_of(a) for a in areas}
    if model_type.attaches_to == AttachTo.COMMUNES:
        if len(communes) < 2 or home.ident not in communes:
            return _("Cụm giáp ranh gồm ít nhất hai xã, trong đó có xã quản lý.")
        return None
    if communes != {home.ident}:
        return _("Địa bàn hoạt động phải thuộc xã quản lý.")
    if model_type.attaches_to == AttachTo.COMMUNE and (len(areas) != 1 or areas[0].level != Level.COMMUNE):
        return _("Mô hình này áp dụng cho cả một xã.")
    if model_type.attaches_to == AttachTo.VILLAGE and any(a.level != Level.VILLAGE for a in areas):
        return _("Mô hình này hoạt động ở thôn, tổ dân phố.")
    if model_type.attaches_to == AttachTo.VILLAGE and not model_type.is_statutory and len(areas) != 1:
        return _("Mô hình này gắn với một thôn, tổ dân phố.")
    return None


@dataclass
class PersonRow:
    cells: wb.Cells
    person: Person
    values: dict[str, Any]
    new: bool
    household_key: str | None  # None: the sheet has no household column
    area: Area | None
    pending: Area | None
    counted: bool = True
