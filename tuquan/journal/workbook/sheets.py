"""The journal's two sheets: "Nhật ký" (entries) and "Tổng hợp kỳ" (period totals)."""

from __future__ import annotations

from tuquan.core.workbook import Column, Sheet

# The journal's two sheets, in the registry's workbook after its own (registered in apps.py).
ENTRIES = Sheet(
    "entries",
    "Nhật ký",
    (
        Column("key", "Mã", width=38),
        Column("team", "Mã tổ", required=True, width=38),
        Column("village", "Thôn", required=True, width=10),
        Column("kind", "Loại hoạt động", required=True, width=16),
        Column("occurred_on", "Ngày", "date", required=True),
        Column("participants", "Người tham gia", "list", width=40),
        Column("other_participants", "Người khác tham gia", "int", width=10),
        Column("started_at", "Bắt đầu", width=17),
        Column("ended_at", "Kết thúc", width=17),
        Column("member_turns", "Lượt người", "int", width=10),
        Column("attendance_persons", "Số người dự", "int", width=10),
        Column("attendance_households", "Số hộ dự", "int", width=10),
        Column("subject", "Nội dung hoà giải", width=24),
        Column("parties", "Số bên", "int", width=8),
        Column("outcome", "Kết quả hoà giải", width=16),
        Column("tip_category", "Loại thông tin", width=16),
        Column("tip_valuable", "Có giá trị (để đọc)", imported=False, width=10),
        Column("cases", "Số vụ", "int", width=8),
        Column("suspects", "Số đối tượng", "int", width=8),
        Column("offence", "Hành vi", width=20),
        Column("homemade_guns", "Súng tự chế", "int", width=8),
        Column("guns", "Súng", "int", width=8),
        Column("bullets", "Đạn", "int", width=8),
        Column("explosives", "Vật liệu nổ", "int", width=8),
        Column("knives", "Dao, kiếm", "int", width=8),
        Column("other_items", "Vật khác", "int", width=8),
        Column("incident_kind", "Loại sự việc", width=16),
        Column("poppy_m2", "Diện tích thuốc phiện phá (m²)", width=12),
        Column("migration_cases", "Số trường hợp di cư tự do được ngăn", "int", width=10),
        Column("extra", "Chỉ tiêu riêng", width=24),
        Column("note", "Ghi chú", width=24),
        Column("status", "Trạng thái (để đọc)", imported=False, width=14),
        Column("review_comment", "Nhận xét (để đọc)", imported=False, width=24),
    ),
)
AGGREGATES = Sheet(
    "aggregates",
    "Tổng hợp kỳ",
    (
        Column("key", "Mã", width=38),
        Column("area", "Địa bàn", required=True, width=14),
        Column("indicator", "Chỉ tiêu", required=True, width=24),
        Column("period_kind", "Kỳ", required=True, width=8),
        Column("period_start", "Từ ngày", "date", required=True),
        Column("value", "Giá trị", required=True, width=10),
        Column("note", "Ghi chú", width=24),
    ),
)
SHEETS = (ENTRIES, AGGREGATES)
