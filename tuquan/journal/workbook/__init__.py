"""The journal's sheets of the registry workbook: "Nhật ký" (entries and their checks),
"Tổng hợp kỳ" (period totals) and "Duyệt tháng" (approved months). The sheets are declared
here and registered, after the registry's own, in the registry's workbook
(`journal/apps.py`, `core.workbook.parts`); this package writes their rows (export.py) and
checks them with the journal's own rules (`services`; entries.py, totals.py, approvals.py),
so an import is refused, cell by cell, wherever the UI or the API would refuse the same
record: an impossible value, a village-month that is approved, a figure that records and
totals would both count, a check or an approval the importer may not make. Accepted rows
are written in the registry import's transaction (rows.py), whose audit entry counts them;
imported checks and approvals get audit entries of their own, and the rollups of every
village-month touched are refreshed there.
"""

from tuquan.journal.workbook.export import export_rows
from tuquan.journal.workbook.rows import check
from tuquan.journal.workbook.sheets import AGGREGATES, APPROVALS, ENTRIES, SHEETS

__all__ = ["AGGREGATES", "APPROVALS", "ENTRIES", "SHEETS", "check", "export_rows"]
