"""The journal's sheets: "Nhật ký" (entries, with their checks), "Tổng hợp kỳ" (period
totals) and "Duyệt tháng" (the months approved by the commune and accepted by the province)."""

from __future__ import annotations

from tuquan.core.workbook import Column, Sheet

# The journal's sheets, in the registry's workbook after its own (registered in apps.py).
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
        Column("tip_valuable", "Có giá trị", width=10, aliases=("Có giá trị (để đọc)",)),
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
        Column("status", "Trạng thái", width=14, aliases=("Trạng thái (để đọc)",)),
        Column("review_comment", "Nhận xét", width=24, aliases=("Nhận xét (để đọc)",)),
        Column("confirm", "Vẫn thêm", "bool", exported=False),
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
APPROVALS = Sheet(
    "approvals",
    "Duyệt tháng",
    (
        Column("village", "Thôn", required=True, width=10),
        Column("village_name", "Tên thôn (để đọc)", imported=False, width=24),
        Column("month", "Tháng", required=True, width=10),
        Column("status", "Trạng thái", required=True, width=18),
        Column("reopen_reason", "Lý do mở lại", width=30),
    ),
)
SHEETS = (ENTRIES, AGGREGATES, APPROVALS)
