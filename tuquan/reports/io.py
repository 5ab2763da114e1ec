"""The report's Excel annex: values only, Vietnamese headers and number formats, frozen
header row, landscape and fit to page width for printing."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tuquan.core.indicators import INDICATORS
from tuquan.core.workbook.writing import append

SHEETS = {"child": "Theo đơn vị", "type": "Theo loại mô hình", "legacy": "Theo đơn vị cũ"}
INT = "#,##0"
DEC = "#,##0.0"
PCT = "0.0%"


def label(code: str) -> str:
    found = INDICATORS.get(code) or (INDICATORS.get("extra.<code>") if code.startswith("extra.") else None)
    return f"{found.label} ({code})" if found else code


def scalar_codes(indicators: dict[str, Any]) -> list[str]:
    """Codes shown as columns: numbers and ratios (breakdown maps live on their own sheets),
    in the catalogue's order. The order a report's dict arrives in is not kept: PostgreSQL's
    jsonb stores keys shortest first, so a report read back from the database would
    otherwise show its columns in another order than one computed just now."""
    order = {code: i for i, code in enumerate(INDICATORS)}
    codes = [c for c, v in indicators.items() if not (isinstance(v, dict) and "ratio" not in v)]
    return sorted(codes, key=lambda c: (order.get(c, len(order)), c))


def cell_value(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("ratio")
    if isinstance(value, str):
        return float(value)
    return value


def _format(value: Any) -> str:
    if isinstance(value, dict):
        return PCT
    return INT if isinstance(value, int) else DEC


def _finish(ws: Worksheet, widths: list[int]) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def workbook(report: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    area, period = report["area"], f"{report['from']} – {report['to']}"
    append(ws, ["Chỉ tiêu", "Giá trị", "Kỳ trước", "Cùng kỳ năm trước", "Mã"])
    previous = report.get("comparison", {}).get("previous", {}).get("indicators", {})
    year = report.get("comparison", {}).get("year_before", {}).get("indicators", {})
    for code in scalar_codes(report["indicators"]):
        value = report["indicators"][code]
        append(
            ws,
            [
                label(code).rsplit(" (", 1)[0],
                cell_value(value),
                cell_value(previous.get(code)),
                cell_value(year.get(code)),
                code,
            ],
        )
        for col in (2, 3, 4):
            ws.cell(row=ws.max_row, column=col).number_format = _format(value)
    append(ws, [])
    append(ws, [f"{area['name']} ({area['id']}), {period}"])
    _finish(ws, [48, 16, 16, 18, 30])
    for dimension, members in report.get("breakdowns", {}).items():
        sheet = wb.create_sheet(SHEETS.get(dimension, dimension)[:31])
        codes = scalar_codes(report["indicators"])
        append(sheet, ["Đơn vị", "Mã", *[label(c) for c in codes]])
        for member, values in members.items():
            row = [report.get("labels", {}).get(member, member), member]
            row += [cell_value(values.get(c)) for c in codes]
            append(sheet, row)
            for i, code in enumerate(codes, start=3):
                sheet.cell(row=sheet.max_row, column=i).number_format = _format(report["indicators"][code])
        _finish(sheet, [34, 14, *[14] * len(codes)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
