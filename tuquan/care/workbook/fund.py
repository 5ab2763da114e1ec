"""A team fund's ledger in and out of a workbook: every row appended through the services,
or none (a closed month refuses an imported entry as it refuses a typed one)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tuquan.care import services
from tuquan.care.models import (
    FundEntry,
    FundKind,
)
from tuquan.care.selectors import LedgerRow
from tuquan.core import workbook
from tuquan.core.actors import Actor
from tuquan.core.text import normalize_search
from tuquan.core.workbook.writing import append
from tuquan.registry.models import Team

FUND_HEADERS = ["Ngày", "Loại", "Số tiền", "Nội dung", "Người duyệt chi"]
KINDS = {normalize_search(str(label)): value for value, label in FundKind.choices} | {
    v: v for v in FundKind.values
}
MAX_ROWS = 5000


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fund_workbook(team: Team, rows: list[LedgerRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ quỹ"
    append(ws, [*FUND_HEADERS, "Số dư", "Sửa cho", "Người ghi", "Mã"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        e = r.entry
        append(
            ws,
            [
                e.occurred_on.strftime("%d/%m/%Y"),
                str(e.get_kind_display()),
                int(e.amount),
                e.purpose,
                e.approved_by,
                int(r.balance),
                str(e.corrects.uid) if e.corrects_id and e.corrects else "",
                e.recorded_by_name,
                str(e.uid),
            ],
        )
    ws.freeze_panes = "A2"
    return save(wb)


def fund_import(*, actor: Actor, team: Team, filename: str, data: bytes) -> list[FundEntry]:
    """Append every row as a new entry, or none. Errors name the cell."""
    rows = workbook.upload_rows(filename, data, MAX_ROWS + 2)
    if not rows:
        raise ValidationError(_("Tệp trống."))
    header = [normalize_search(str(c or "")) for c in rows[0]][:3]
    if header != [normalize_search(h) for h in FUND_HEADERS[:3]]:
        raise ValidationError(
            _("Dòng 1 phải là tiêu đề: %(headers)s.") % {"headers": ", ".join(FUND_HEADERS)}
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError(_("Tối đa %(n)s dòng mỗi lần nhập.") % {"n": MAX_ROWS})
    errors: list[str] = []
    parsed: list[tuple[date, str, Decimal, str, str, int]] = []
    for index, row in enumerate(rows[1:], start=2):
        row = [*list(row), None, None, None, None, None][:5]
        if all(c in (None, "") for c in row):
            continue
        day_raw, kind_raw, amount_raw, purpose, approved = row
        try:
            day = workbook.parse_date(day_raw)
        except ValueError:
            day = None
        if day is None:
            errors.append(
                _("Ô A%(row)s: ngày “%(v)s” không đúng dạng dd/mm/yyyy.") % {"row": index, "v": day_raw}
            )
        kind = KINDS.get(normalize_search(str(kind_raw or "")))
        if kind is None:
            errors.append(_("Ô B%(row)s: loại phải là “Đóng góp” hoặc “Chi”.") % {"row": index})
        try:
            amount = Decimal(str(amount_raw).replace(".", "").replace(" ", ""))
        except (InvalidOperation, ValueError):
            amount = Decimal(0)
        if amount <= 0:
            errors.append(_("Ô C%(row)s: số tiền không hợp lệ.") % {"row": index})
        if day and kind and amount > 0:
            parsed.append((day, kind, amount, str(purpose or ""), str(approved or ""), index))
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError(_("Tệp không có dòng dữ liệu nào."))
    made: list[FundEntry] = []
    with transaction.atomic():
        for day, kind, amount, purpose, approved, index in parsed:
            try:
                made.append(
                    services.fund_entry_record(
                        actor=actor,
                        team=team,
                        kind=kind,
                        amount=amount,
                        occurred_on=day,
                        purpose=purpose,
                        approved_by=approved,
                    )
                )
            except ValidationError as exc:
                errors.extend(_("Dòng %(row)s: %(msg)s") % {"row": index, "msg": m} for m in exc.messages)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return made
