"""The official administrative units, read offline from the `vietnamadminunits` package.

We read the package's own data files (its SQLite dataset and its 2025 conversion tables)
instead of calling its address converter: that converter geocodes street addresses through
an online service, and this system runs on closed networks. `offline_package()` is the only
way the rest of the code may import the package; it disables the geocoder first.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from django.db import transaction

from tuquan.core.text import normalize_search, sort_key

REFORM_DATE = date(2025, 7, 1)
LEGACY_END = date(2025, 6, 30)
LOADER_VERSION = "1"


class NetworkForbidden(RuntimeError):
    pass


def _no_geocoding(*args: Any, **kwargs: Any) -> None:
    raise NetworkForbidden("Tự Quản runs on closed networks: the online geocoder is disabled.")


def offline_package() -> ModuleType:
    import vietnamadminunits
    import vietnamadminunits.converter.converter_2025 as conv
    import vietnamadminunits.parser.utils as putils

    putils.get_geo_location = _no_geocoding
    conv.get_geo_location = _no_geocoding  # type: ignore[attr-defined]
    return vietnamadminunits


def data_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnamadminunits package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def fingerprint() -> str:
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for name in ("dataset.db", "converter_2025.json"):
        digest.update((data_dir() / name).read_bytes())
    return digest.hexdigest()


def _province_kind(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


@dataclass
class Catalogue:
    """Rows ready to load, keyed by our area ident."""

    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (predecessor ident, successor ident) → (kind, is_default)
    successions: dict[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)


def read_catalogue() -> Catalogue:
    cat = Catalogue()
    db = sqlite3.connect(f"file:{data_dir() / 'dataset.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    conv = json.loads((data_dir() / "converter_2025.json").read_text())
    cat.areas["VN"] = dict(
        level="country",
        code="",
        kind="Quốc gia",
        name="Việt Nam",
        short_name="Việt Nam",
        parent=None,
        province=None,
    )

    new_province_by_key: dict[str, str] = {}
    new_ward_by_key: dict[tuple[str, str], str] = {}
    for r in db.execute("SELECT * FROM admin_units ORDER BY provinceCode, wardCode"):
        p = r["provinceCode"]
        if p not in cat.areas:
            cat.areas[p] = dict(
                level="province",
                code=p,
                kind=_province_kind(r["province"]),
                name=r["province"],
                short_name=r["provinceShort"],
                parent="VN",
                province=p,
                latitude=r["provinceLat"],
                longitude=r["provinceLon"],
                valid_from=REFORM_DATE,
            )
            new_province_by_key[r["provinceKey"]] = p
        w = r["wardCode"]
        cat.areas[w] = dict(
            level="commune",
            code=w,
            kind=r["wardType"],
            name=r["ward"],
            short_name=r["wardShort"],
            parent=p,
            province=p,
            latitude=r["wardLat"],
            longitude=r["wardLon"],
            valid_from=REFORM_DATE,
        )
        new_ward_by_key[(r["provinceKey"], r["wardKey"])] = w

    old_to_new_province = {
        old: new_province_by_key[new] for new, olds in conv["DICT_PROVINCE"].items() for old in olds
    }
    old_keys: dict[str, str] = {}  # "province_district_ward" key → our ident
    for r in db.execute("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"):
        new_p = old_to_new_province[r["provinceKey"]]
        lp, ld = "legacy:" + r["provinceCode"], "legacy:" + r["districtCode"]
        if lp not in cat.areas:
            cat.areas[lp] = dict(
                level="legacy_province",
                code=r["provinceCode"],
                kind=_province_kind(r["province"]),
                name=r["province"],
                short_name=r["provinceShort"],
                parent="VN",
                province=new_p,
                latitude=r["provinceLat"],
                longitude=r["provinceLon"],
                valid_to=LEGACY_END,
            )
            cat.successions[(lp, new_p)] = ("whole", True)
        if ld not in cat.areas:
            cat.areas[ld] = dict(
                level="legacy_district",
                code=r["districtCode"],
                kind=r["districtType"],
                name=r["district"],
                short_name=r["districtShort"],
                parent=lp,
                province=new_p,
                latitude=r["districtLat"],
                longitude=r["districtLon"],
                valid_to=LEGACY_END,
            )
        if r["wardCode"]:
            lw = "legacy:" + r["wardCode"]
            cat.areas[lw] = dict(
                level="legacy_commune",
                code=r["wardCode"],
                kind=r["wardType"],
                name=r["ward"],
                short_name=r["wardShort"],
                parent=ld,
                province=new_p,
                latitude=r["wardLat"],
                longitude=r["wardLon"],
                valid_to=LEGACY_END,
            )
            old_keys[f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"] = lw
        else:
            # Island districts without communes became special zones (đặc khu) whole.
            old_keys[f"{r['provinceKey']}_{r['districtKey']}_"] = ld

    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, olds in wards.items():
            successor = new_ward_by_key[(new_pkey, new_wkey)]
            for old in olds:
                if old in old_keys:
                    cat.successions[(old_keys[old], successor)] = ("whole", True)
    for new_pkey, olds in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            for part in parts:
                successor = new_ward_by_key[(new_pkey, part["newWardKey"])]
                cat.successions[(old_keys[old], successor)] = ("part", bool(part["isDefaultNewWard"]))
    db.close()
    return cat


AREA_FIELDS = [
    "code",
    "level",
    "kind",
    "name",
    "short_name",
    "search_name",
    "sort_name",
    "parent",
    "path",
    "province",
    "latitude",
    "longitude",
    "valid_from",
    "valid_to",
]


def load(*, force: bool = False) -> dict[str, int]:
    """Load or refresh every official unit and succession link. Idempotent."""
    from tuquan.core.models import Area, AreaSuccession, UnitCatalogueLoad

    fp = fingerprint()
    last = UnitCatalogueLoad.objects.order_by("-loaded_at").first()
    if last and last.fingerprint == fp and not force:
        return {"skipped": 1, **last.counts}
    cat = read_catalogue()
    # Parents come before children in this order, so each level can point at ids already saved.
    order = ["country", "province", "commune", "legacy_province", "legacy_district", "legacy_commune"]
    with transaction.atomic():
        ids: dict[str, int] = dict(Area.objects.exclude(level="village").values_list("ident", "id"))
        paths: dict[str, str] = {}
        for level in order:
            rows = []
            for ident, spec in cat.areas.items():
                if spec["level"] != level:
                    continue
                parent = spec["parent"]
                path = (paths[parent] if parent else "") + ident + "/"
                paths[ident] = path
                rows.append(
                    Area(
                        ident=ident,
                        code=spec["code"],
                        level=level,
                        kind=spec["kind"],
                        name=spec["name"],
                        short_name=spec["short_name"],
                        search_name=normalize_search(f"{spec['short_name']} {spec['name']}"),
                        sort_name=sort_key(spec["short_name"]),
                        parent_id=ids.get(parent) if parent else None,
                        path=path,
                        province_id=ids.get(spec["province"]) if spec["province"] else None,
                        latitude=spec.get("latitude"),
                        longitude=spec.get("longitude"),
                        valid_from=spec.get("valid_from"),
                        valid_to=spec.get("valid_to"),
                    )
                )
            Area.objects.bulk_create(
                rows,
                batch_size=500,
                update_conflicts=True,
                unique_fields=["ident"],
                update_fields=AREA_FIELDS,
            )
            ids.update(Area.objects.filter(level=level).values_list("ident", "id"))
            if level == "province":
                # A province is its own province; set now that its id exists.
                for ident in [i for i, s in cat.areas.items() if s["level"] == "province"]:
                    Area.objects.filter(pk=ids[ident]).update(province_id=ids[ident])
        links = [
            AreaSuccession(
                predecessor_id=ids[a],
                successor_id=ids[b],
                kind=kind,
                is_default=default,
                valid_from=REFORM_DATE,
            )
            for (a, b), (kind, default) in cat.successions.items()
        ]
        AreaSuccession.objects.bulk_create(
            links,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["predecessor", "successor"],
            update_fields=["kind", "is_default", "valid_from"],
        )
        counts = {level: sum(1 for s in cat.areas.values() if s["level"] == level) for level in order}
        counts["successions"] = len(links)
        counts["split_legacy_communes"] = len(
            {a for (a, _b), (kind, _d) in cat.successions.items() if kind == "part"}
        )
        UnitCatalogueLoad.objects.create(source="vietnamadminunits", fingerprint=fp, counts=counts)
    return counts
