"""The registry workbook's format: its sheets and columns (docs/import-format.md), and
the summary of an import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tuquan.core import workbook as wb
from tuquan.core.text import normalize_search
from tuquan.core.workbook import Column, Sheet, SheetCounts
from tuquan.registry.models import (
    JOURNAL_KINDS,
    ModelType,
)

SENSITIVE = ("national_id", "ethnicity", "religion", "phone")
# Jobs keep this many errors for their page; the exception and the CLI carry all of them.
STORED_ERRORS = 1000


# --- the format ----------------------------------------------------------------------------


def _legacy_columns() -> tuple[Column, ...]:
    return (
        Column("old_province", "Tỉnh cũ", width=16),
        Column("old_district", "Huyện cũ", width=18),
        Column("old_commune", "Xã cũ", width=18),
    )


# The registry's own sheets; later apps add theirs (the journal's) through core.workbook.parts.
OWN_SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "villages",
        "Thôn, tổ dân phố",
        (
            Column("ident", "Mã thôn", width=12),
            Column("commune", "Mã xã", required=True, width=9),
            Column("kind", "Loại", required=True, width=12),
            Column("name", "Tên", required=True, width=24),
            Column("valid_from", "Thành lập từ ngày", "date"),
            Column("valid_to", "Hiệu lực đến", "date"),
            Column("merged_into", "Sáp nhập vào", width=12),
        ),
    ),
    Sheet(
        "types",
        "Loại mô hình",
        (
            Column("code", "Mã loại", required=True, width=22),
            Column("province", "Tỉnh", required=True, width=6),
            Column("name", "Tên", required=True, width=36),
            Column("short_name", "Tên ngắn", required=True, width=20),
            Column("kind", "Dạng", required=True, width=14),
            Column("attaches_to", "Gắn với", required=True, width=18),
            Column("roles", "Vai trò", required=True, width=40),
            Column("has_subteams", "Có tổ con", "bool", width=9),
            Column("journal_kinds", "Loại hoạt động", width=36),
            Column("extra_indicators", "Chỉ tiêu riêng", width=30),
            Column("is_active", "Đang dùng", "bool", width=9),
            Column("description", "Mô tả", width=30),
        ),
    ),
    Sheet(
        "teams",
        "Tổ, nhóm",
        (
            Column("key", "Mã tổ", width=38),
            Column("type", "Loại mô hình", required=True, width=20),
            Column("name", "Tên tổ", required=True, width=30),
            Column("home", "Xã quản lý", required=True, width=10),
            Column("areas", "Địa bàn", "list", required=True, width=20),
            Column("parent", "Thuộc tổ", width=38),
            Column("status", "Tình trạng", required=True, width=16),
            Column("established_on", "Ngày thành lập", "date"),
            Column("decision_number", "Số quyết định"),
            Column("decision_date", "Ngày quyết định", "date"),
            Column("decision_body", "Cơ quan ban hành", width=20),
            Column("notes", "Ghi chú", width=24),
        ),
    ),
    Sheet(
        "history",
        "Lịch sử tình trạng",
        (
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=30),
            Column("status", "Tình trạng", required=True, width=16),
            Column("on", "Từ ngày", "date", required=True),
            Column("reason", "Lý do", width=30),
        ),
    ),
    Sheet(
        "people",
        "Người",
        (
            Column("key", "Mã người", width=38),
            Column("full_name", "Họ và tên", required=True, width=24),
            Column("gender", "Giới tính", width=9),
            Column("birth_year", "Năm sinh", "int", width=9),
            Column("birth_date", "Ngày sinh", "date"),
            Column("education", "Trình độ học vấn", width=18),
            Column("area", "Nơi ở", width=10),
            *_legacy_columns(),
            Column("household", "Mã hộ", width=38),
            Column("resident_since", "Cư trú từ ngày", "date"),
            Column("national_id", "Số định danh cá nhân", sensitive=True),
            Column("ethnicity", "Dân tộc", sensitive=True, width=10),
            Column("religion", "Tôn giáo", sensitive=True, width=10),
            Column("phone", "Số điện thoại", sensitive=True, width=14),
            Column("confirm", "Vẫn thêm", "bool", exported=False),
        ),
    ),
    Sheet(
        "households",
        "Hộ gia đình",
        (
            Column("key", "Mã hộ", width=38),
            Column("head", "Chủ hộ", width=38),
            Column("head_name", "Tên chủ hộ (để đọc)", imported=False, width=24),
            Column("address", "Địa chỉ", width=30),
            Column("area", "Nơi ở", width=10),
            *_legacy_columns(),
        ),
    ),
    Sheet(
        "memberships",
        "Thành viên tổ",
        (
            Column("key", "Mã", width=38),
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=24),
            Column("person", "Mã người", required=True, width=38),
            Column("person_name", "Họ và tên (để đọc)", imported=False, width=24),
            Column("role", "Vai trò", required=True, width=12),
            Column("start_on", "Từ ngày", "date", required=True),
            Column("end_on", "Đến ngày", "date"),
            Column("decision_number", "Số quyết định"),
            Column("decision_date", "Ngày quyết định", "date"),
            Column("former_force_start", "Vào lực lượng cũ", "date"),
            Column("former_force_end", "Rời lực lượng cũ", "date"),
            Column("certificate_number", "Số giấy chứng nhận CCHT", width=18),
            Column("age_exception", "Ngoại lệ về tuổi", "bool", width=10),
            Column("no_pending_prosecution", "Không bị truy cứu, không có án tích", "bool", width=14),
        ),
    ),
    Sheet(
        "team_households",
        "Hộ thuộc tổ",
        (
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=24),
            Column("household", "Mã hộ", required=True, width=38),
            Column("start_on", "Từ ngày", "date", required=True),
            Column("end_on", "Đến ngày", "date"),
        ),
    ),
    Sheet(
        "commitments",
        "Cam kết",
        (
            Column("key", "Mã", width=38),
            Column("household", "Mã hộ", required=True, width=38),
            Column("team", "Mã tổ", required=True, width=38),
            Column("team_name", "Tên tổ (để đọc)", imported=False, width=24),
            Column("signed_on", "Ngày ký", "date", required=True),
            Column("note", "Ghi chú", width=24),
        ),
    ),
    Sheet(
        "trainings",
        "Tập huấn",
        (
            Column("key", "Mã", width=38),
            Column("area", "Địa bàn", required=True, width=10),
            Column("team", "Mã tổ", width=38),
            Column("held_on", "Ngày", "date", required=True),
            Column("topic", "Nội dung", required=True, width=30),
            Column("attendee_count", "Số người dự", "int", width=10),
            Column("attendees", "Người dự", "list", width=40),
        ),
    ),
    Sheet(
        "commendations",
        "Khen thưởng",
        (
            Column("key", "Mã", width=38),
            Column("person", "Mã người", width=38),
            Column("team", "Mã tổ", width=38),
            Column("subject_name", "Người, tổ được khen (để đọc)", imported=False, width=24),
            Column("awarded_on", "Ngày", "date", required=True),
            Column("level", "Cấp khen", required=True, width=16),
            Column("decision_number", "Số quyết định", required=True),
            Column("reason", "Thành tích", width=30),
        ),
    ),
)


def sheets() -> tuple[Sheet, ...]:
    """Every sheet of the workbook, in its order: the registry's, then the registered parts'."""
    return OWN_SHEETS + tuple(s for part in wb.parts.registered() for s in part.declared)


def sheet(key: str) -> Sheet:
    return next(s for s in sheets() if s.key == key)


# --- errors and the summary ----------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import created, changed and left alone, sheet by sheet (workbook order)."""

    sheets: dict[str, SheetCounts] = field(default_factory=lambda: {s.title: SheetCounts() for s in sheets()})
    dry_run: bool = False

    def of(self, key: str) -> SheetCounts:
        return self.sheets[sheet(key).title]

    @property
    def created(self) -> int:
        return sum(c.created for c in self.sheets.values())

    @property
    def changed(self) -> int:
        return sum(c.changed for c in self.sheets.values())

    @property
    def queued(self) -> int:
        return sum(c.queued for c in self.sheets.values())

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "sheets": {t: vars(c).copy() for t, c in self.sheets.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportSummary:
        summary = cls(dry_run=bool(data.get("dry_run")))
        for title, counts in (data.get("sheets") or {}).items():
            summary.sheets[title] = SheetCounts(**counts)
        return summary


# --- shared helpers ------------------------------------------------------------------------


JOURNAL_CHOICES = [(code, label) for code, label in JOURNAL_KINDS]


def roles_text(roles: list[dict[str, str]]) -> str:
    return "; ".join(f"{r['code']}={r['label']}" for r in roles)


def extra_text(extra: list[dict[str, str]]) -> str:
    return "; ".join(f"{e['code']}={e['label']}" + (f"|{e['unit']}" if e.get("unit") else "") for e in extra)


def role_cell(model_type: ModelType, code: str) -> str:
    """A role's label when it names one role of the type, otherwise its code."""
    label = model_type.role_label(code)
    same = [r for r in model_type.roles if normalize_search(r["label"]) == normalize_search(label)]
    return label if len(same) == 1 else code
