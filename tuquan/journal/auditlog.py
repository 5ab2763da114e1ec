"""How the system log tells the journal's rows (core.audit: nouns and phrases)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuquan.core import audit

NOUNS = {
    "journal.entry": gettext_lazy("hoạt động"),
    "journal.approval": gettext_lazy("số liệu tháng"),
    "journal.aggregate": gettext_lazy("số liệu tổng hợp của kỳ"),
}


def _day(text: Any) -> str:
    try:
        return f"{date.fromisoformat(str(text)):%d/%m/%Y}"
    except ValueError:
        return str(text)


def _where(entry: Any) -> str:
    return entry.area.name if entry.area_id and entry.area is not None else ""


def approval(entry: Any) -> str | None:
    """ "duyệt tháng 11/2026 của Bản Nà Khoang" (or accepted, reopened, imported)."""
    details, month, where = entry.details or {}, entry.object_label, _where(entry)
    if "approved" in details:
        return _("duyệt số liệu tháng %(m)s của %(v)s") % {"m": month, "v": where}
    if "accepted" in details:
        return _("chấp nhận số liệu tháng %(m)s của %(v)s") % {"m": month, "v": where}
    if "reopened" in details:
        return _("mở lại số liệu tháng %(m)s của %(v)s") % {"m": month, "v": where}
    if "imported" in details:
        return _("nhập trạng thái duyệt tháng %(m)s của %(v)s từ sổ theo dõi") % {"m": month, "v": where}
    return None


def journal_entry(entry: Any) -> str | None:
    details, kind, where = entry.details or {}, entry.object_label, _where(entry)
    on = _("ngày %(d)s") % {"d": _day(details["on"])} if "on" in details else ""
    what = " ".join(part for part in (kind, on) if part)
    at = _(" tại %(v)s") % {"v": where} if where else ""
    if details.get("review") == "verified":
        return _("xác nhận đã kiểm tra hoạt động %(w)s%(at)s") % {"w": what, "at": at}
    if details.get("review") == "returned":
        return _("trả lại hoạt động %(w)s%(at)s để tổ sửa") % {"w": what, "at": at}
    if "valuable" in details:
        worth = _("có giá trị") if details["valuable"] else _("không có giá trị")
        return _("đánh giá thông tin cung cấp%(at)s là %(worth)s") % {"at": at, "worth": worth}
    if "imported_checks" in details:
        return _("nhập kết quả kiểm tra hoạt động của %(v)s từ sổ theo dõi") % {"v": entry.object_label}
    if entry.action == "create":
        return _("ghi hoạt động %(w)s%(at)s") % {"w": what, "at": at}
    if entry.action == "delete":
        reason = details.get("reason", "")
        return _("xoá hoạt động %(w)s%(at)s, lý do: %(r)s") % {"w": what, "at": at, "r": reason}
    if "fields" in details:
        return _("sửa hoạt động %(w)s%(at)s") % {"w": what, "at": at}
    return None


def register() -> None:
    audit.nouns(NOUNS)
    audit.phrase("journal.approval", approval)
    audit.phrase("journal.entry", journal_entry)
