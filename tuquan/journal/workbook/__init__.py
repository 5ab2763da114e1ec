"""The journal's sheets of the registry workbook: "Nhật ký" (entries) and "Tổng hợp kỳ"
(period totals). The sheets are declared here and registered, after the registry's own, in
the registry's workbook (`journal/apps.py`, `core.workbook.parts`); this
module writes their rows and checks them with the journal's own rules (`services`), so an
import is refused, cell by cell, wherever the UI or the API would refuse the same record:
an impossible value, a village-month that is approved, a figure that records and totals
would both count. Accepted rows are written in the registry import's transaction, whose
audit entry counts them; the rollups of every village-month touched are refreshed there.
"""

from tuquan.journal.workbook.rows import check, export_rows
from tuquan.journal.workbook.sheets import AGGREGATES, ENTRIES, SHEETS

__all__ = ["AGGREGATES", "ENTRIES", "SHEETS", "check", "export_rows"]
