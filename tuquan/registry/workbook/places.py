"""Checking the villages and model types sheets."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.core.text import normalize_search, sort_key
from tuquan.registry import services
from tuquan.registry.models import (
    AttachTo,
    ModelType,
    TypeKind,
)
from tuquan.registry.workbook.base import ImporterBase
from tuquan.registry.workbook.format import JOURNAL_CHOICES
from tuquan.registry.workbook.plan import (
    KIND_OPTIONS,
    commune_of,
)


class PlaceSheets(ImporterBase):
    def villages(self, data: wb.SheetData) -> None:
        counts = self.summary.of("villages")
        commune_ids = {a.pk for a in self.areas.values() if a.level == Level.COMMUNE}
        known = list(
            Area.objects.filter(level=Level.VILLAGE, parent_id__in=commune_ids)
            .select_related("parent")
            .prefetch_related("successor_links__successor")
        )
        for village in known:
            self.areas[village.ident] = village
        numbers: dict[int, set[int]] = defaultdict(set)
        for village in known:
            numbers[village.parent_id].add(village.number or 0)  # type: ignore[index]
        # Names of the villages that stay active: a new village may not repeat one (village_create's rule).
        active: dict[int, dict[str, str]] = defaultdict(dict)
        for village in known:
            if village.valid_to is None:
                active[village.parent_id][village.short_name.lower()] = village.ident  # type: ignore[index]
        seen: dict[str, int] = {}
        rows: list[tuple[wb.Cells, Area | None, str, str, date | None, date | None, str]] = []
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            ident = c.text("ident")
            commune_ident = c.text("commune", required=True)
            kind = c.choice("kind", KIND_OPTIONS, required=True)
            name = c.text("name", required=True, max_length=120, collapse=True)
            valid_from, valid_to = c.date("valid_from"), c.date("valid_to")
            merged = c.text("merged_into")
            commune = self.areas.get(commune_ident) if commune_ident else None
            if commune_ident and (commune is None or commune.level != Level.COMMUNE):
                c.error("commune", _("Không có xã, phường, đặc khu mã “%(v)s”.") % {"v": commune_ident[:20]})
                commune = None
            if ident:
                if ident in seen:
                    c.error("ident", _("Mã thôn trùng với dòng %(n)s.") % {"n": seen[ident]})
                seen[ident] = number
                if commune is not None:
                    match = re.fullmatch(rf"{re.escape(commune.code)}\.([1-9]\d*)", ident)
                    if match is None:
                        c.error("ident", _("Mã thôn phải có dạng “%(c)s.<số>”.") % {"c": commune.code})
                    else:
                        numbers[commune.pk].add(int(match[1]))
            if valid_to and not merged:
                c.error("merged_into", _("Thôn ngừng hoạt động khi sáp nhập: ghi mã thôn nhận sáp nhập."))
            if merged and not valid_to:
                c.error("valid_to", _("Ghi ngày cuối cùng thôn còn hoạt động trước khi sáp nhập."))
            if valid_from and valid_to and valid_to < valid_from:
                c.error("valid_to", _("Ngày này trước ngày thành lập."))
            rows.append((c, commune, ident, kind, valid_from, valid_to, merged))
            if commune is not None and name and not c.failed:
                existing = self.areas.get(ident) if ident else None
                if existing is not None and existing.level == Level.VILLAGE:
                    self._village_existing(c, existing, kind, name, valid_from, valid_to, merged)
                    if existing.valid_to is None:
                        active[commune.pk].pop(existing.short_name.lower(), None)
                        active[commune.pk][name.lower()] = ident
                    continue
                number_ = int(ident.rsplit(".", 1)[1]) if ident else None
                village = Area(
                    ident=ident,
                    code="",
                    level=Level.VILLAGE,
                    kind=kind,
                    name=f"{kind} {name}",
                    short_name=name,
                    parent=commune,
                    province_id=commune.province_id,
                    number=number_,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    path=f"{commune.path}{ident}/",
                )
                clash = active[commune.pk].get(name.lower())
                if clash is not None:
                    c.error(
                        "name", _("Xã đã có thôn, tổ dân phố tên “%(n)s” (%(i)s).") % {"n": name, "i": clash}
                    )
                    continue
                active[commune.pk][name.lower()] = ident or f"#{number}"
                if not self.covers(commune.path, Cap.AREA_WRITE):
                    c.error("commune", _("Bạn không có quyền thêm thôn ở xã này."))
                    continue
                if ident:
                    self.areas[ident] = village
                self.plan.villages_new.append(village)
                self.wrote(commune)
                counts.created += 1
        # Rows without a code get the commune's next numbers, never one used before.
        for village in self.plan.villages_new:
            if village.number is None:
                commune = village.parent
                assert commune is not None
                village.number = max(numbers[commune.pk] | {0}) + 1
                numbers[commune.pk].add(village.number)
                village.ident = f"{commune.code}.{village.number}"
                village.path = f"{commune.path}{village.ident}/"
        self.plan.villages_new.sort(key=lambda v: (v.parent.ident, v.number))  # type: ignore[union-attr]
        merges: list[tuple[Area, Area, date]] = []
        for c, commune, ident, _kind, _from, valid_to, merged in rows:
            source = self.areas.get(ident) if ident else None
            if not merged or source is None or source.pk is not None or c.failed:
                continue
            target = self.areas.get(merged)
            if (
                valid_to is None
                or target is None
                or target.level != Level.VILLAGE
                or commune_of(target) != getattr(commune, "ident", None)
                or target is source
            ):
                c.error(
                    "merged_into", _("“%(v)s” không phải một thôn khác của cùng xã.") % {"v": merged[:20]}
                )
                continue
            if target.valid_to is not None and target.valid_to <= valid_to:
                c.error("merged_into", _("Thôn nhận sáp nhập đã ngừng hoạt động trước ngày đó."))
                continue
            merges.append((source, target, valid_to + timedelta(days=1)))
        # Merges run oldest first, so a village that later merged on is still active when it receives.
        self.plan.village_merges = sorted(merges, key=lambda m: m[2])

    def _village_existing(
        self,
        c: wb.Cells,
        village: Area,
        kind: str,
        name: str,
        valid_from: date | None,
        valid_to: date | None,
        merged: str,
    ) -> None:
        counts = self.summary.of("villages")
        current = sorted(link.successor.ident for link in village.successor_links.all())
        fixed = [
            ("valid_from", valid_from, village.valid_from),
            ("valid_to", valid_to, village.valid_to),
            ("merged_into", merged or None, current[0] if current else None),
        ]
        for column, wanted, has in fixed:
            if wanted != has:
                c.error(
                    column,
                    _("Thôn đã có: ngày thành lập, ngừng hoạt động và sáp nhập chỉ sửa trên trang của thôn."),
                )
        if c.failed:
            return
        if (kind, name) == (village.kind, village.short_name):
            counts.unchanged += 1
            return
        if not self.covers(village.path, Cap.AREA_WRITE):
            c.error("name", _("Bạn không có quyền đổi tên thôn này."))
            return
        self.plan.village_renames.append((village, kind, name))
        self.wrote(village)
        counts.changed += 1

    # model types -----------------------------------------------------------------------------------

    def model_types(self, data: wb.SheetData) -> None:
        kinds, attaches = wb.options(TypeKind.choices), wb.options(AttachTo.choices)
        journal = wb.options(JOURNAL_CHOICES)
        codes = {str(cells.get("code") or "").strip() for _n, cells in data.rows}
        taken = {t.code: t for t in ModelType.objects.filter(code__in=codes).select_related("province")}
        seen: dict[str, int] = {}
        for number, cells in data.rows:
            c = wb.Cells(self, data, number, cells)
            self.tick()
            code = c.text("code", required=True, max_length=60)
            if code and not re.fullmatch(r"[-a-zA-Z0-9_]+", code):
                c.error("code", _("Mã loại chỉ gồm chữ không dấu, số, “-” và “_”."))
            if code in seen:
                c.error("code", _("Mã loại trùng với dòng %(n)s.") % {"n": seen[code]})
            seen[code] = number
            province = self.areas.get(c.text("province", required=True))
            if c.text("province") and (province is None or province.level != Level.PROVINCE):
                c.error("province", _("Ghi mã một tỉnh hiện hành, ví dụ “14”."))
                province = None
            roles = self._pairs(c, "roles")
            extra = [
                {
                    "code": k,
                    "label": v.split("|", 1)[0].strip(),
                    **({"unit": v.split("|", 1)[1].strip()} if "|" in v else {}),
                }
                for k, v in self._pairs_raw(c, "extra_indicators")
            ]
            journal_kinds: list[str] = []
            for part in wb.LIST_SPLIT.split(c.text("journal_kinds")):
                if part.strip():
                    found = journal.get(normalize_search(part))
                    if found is None:
                        c.error(
                            "journal_kinds", _("Loại hoạt động “%(v)s” không có.") % {"v": part.strip()[:40]}
                        )
                    else:
                        journal_kinds.append(found)
            values = {
                "name": c.text("name", required=True, max_length=200),
                "short_name": c.text("short_name", required=True, max_length=80),
                "kind": c.choice("kind", kinds, required=True),
                "attaches_to": c.choice("attaches_to", attaches, required=True),
                "roles": roles,
                "has_subteams": c.boolean("has_subteams", False),
                "journal_kinds": journal_kinds,
                "extra_indicators": extra,
                "is_active": c.boolean("is_active", True),
                "description": c.text("description"),
            }
            values = {k: v for k, v in values.items() if c.has(k)}
            if "name" in values:
                values["sort_name"] = sort_key(str(values["name"] or ""))  # a bulk write: save() does not run
            if roles or c.has("roles"):
                try:
                    services.clean_type_lists(roles=roles, journal_kinds=journal_kinds, extra=extra)
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        for message in messages:
                            c.error(name, message)
            existing = taken.get(code)
            if existing is not None and existing.province_id is None:
                c.error(
                    "code",
                    _("“%(c)s” là loại mô hình toàn quốc: các tổ chỉ cần ghi mã của nó.") % {"c": code},
                )
            elif existing is not None and (
                existing.code not in self.types
                or existing.province_id != getattr(province, "pk", existing.province_id)
            ):
                c.error(
                    "code", _("Mã loại “%(c)s” đã được dùng cho loại mô hình của tỉnh khác.") % {"c": code}
                )
            if c.failed or province is None:
                continue
            model_type = existing or ModelType(code=code, province=province)
            self.types[code] = model_type
            self.book(
                c,
                "types",
                self.plan.types,
                model_type,
                values,
                new=existing is None,
                may_write=partial(self.covers, province.path, Cap.TYPE_MANAGE),
                where="province",
                area=province,
            )

    def _pairs_raw(self, c: wb.Cells, column: str) -> list[tuple[str, str]]:
        pairs = []
        for part in c.text(column).split(";"):
            if not part.strip():
                continue
            code, sep, label = part.partition("=")
            if not sep or not code.strip() or not label.strip():
                c.error(column, _("Ghi dạng “mã=tên; mã=tên”, ví dụ “leader=Tổ trưởng; member=Tổ viên”."))
                return []
            pairs.append((code.strip(), label.strip()))
        return pairs

    def _pairs(self, c: wb.Cells, column: str) -> list[dict[str, str]]:
        return [{"code": k, "label": v} for k, v in self._pairs_raw(c, column)]

    # teams and their history ------------------------------------------------------------------------
