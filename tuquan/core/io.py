"""Villages in and out of spreadsheets. Imports are all-or-nothing, every bad cell named."""

from __future__ import annotations

import io
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tuquan.core import services, workbook
from tuquan.core.actors import Actor
from tuquan.core.models import VILLAGE_KINDS, Area, Level
from tuquan.core.text import normalize_search
from tuquan.core.workbook.writing import append

HEADERS = ["Loại", "Tên", "Thành lập từ ngày"]
MAX_ROWS = 2000


def villages_import(*, actor: Actor, commune: Area, filename: str, data: bytes) -> list[Area]:
    """Create every village listed in the sheet, or none. Errors name the cell (e.g. "B4")."""
    rows = workbook.upload_rows(filename, data, MAX_ROWS + 2)
    if not rows:
        raise ValidationError(_("Tệp trống."))
    header = [normalize_search(str(c or "")) for c in rows[0]]
    wanted = [normalize_search(h) for h in HEADERS]
    if header[:2] != wanted[:2]:
        raise ValidationError(_("Dòng 1 phải là tiêu đề: %(headers)s.") % {"headers": ", ".join(HEADERS)})
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(_("Tối đa %(n)s dòng mỗi lần nhập.") % {"n": MAX_ROWS})
    kinds = {normalize_search(k): k for k in VILLAGE_KINDS}
    existing = {
        normalize_search(a.short_name)
        for a in commune.children.filter(level=Level.VILLAGE, valid_to__isnull=True)
    }
    errors: list[str] = []
    parsed: list[tuple[str, str, date | None]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows[1:], start=2):
        row = [*list(row), None, None, None][:3]
        if all(c in (None, "") for c in row):
            continue
        kind_raw, name_raw, date_raw = row
        kind = kinds.get(normalize_search(str(kind_raw or "")))
        name = " ".join(str(name_raw or "").split())
        if kind is None:
            errors.append(
                _("Ô A%(row)s: loại “%(value)s” không hợp lệ (dùng: %(kinds)s).")
                % {"row": index, "value": kind_raw or "", "kinds": ", ".join(VILLAGE_KINDS)}
            )
        if not name:
            errors.append(_("Ô B%(row)s: tên trống.") % {"row": index})
        elif normalize_search(name) in existing or normalize_search(name) in seen:
            errors.append(_("Ô B%(row)s: “%(name)s” đã có trong xã.") % {"row": index, "name": name})
        try:
            founded = workbook.parse_date(date_raw)
        except ValueError:
            errors.append(
                _("Ô C%(row)s: ngày “%(value)s” không đúng dạng dd/mm/yyyy.")
                % {"row": index, "value": date_raw}
            )
            founded = None
        seen.add(normalize_search(name))
        if kind and name:
            parsed.append((kind, name, founded))
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError(_("Tệp không có dòng dữ liệu nào."))
    with transaction.atomic():
        return [
            services.village_create(actor=actor, commune=commune, kind=k, name=n, valid_from=d)
            for k, n, d in parsed
        ]


def villages_workbook(villages: list[Area]) -> bytes:
    """The commune's villages in the import layout: fill it in, or edit and send back."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Thôn, tổ dân phố"
    append(ws, [*HEADERS, "Mã"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for v in villages:
        append(ws, [v.kind, v.short_name, v.valid_from.strftime("%d/%m/%Y") if v.valid_from else "", v.ident])
    for col, width in zip(range(1, 5), (14, 32, 18, 12), strict=True):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
