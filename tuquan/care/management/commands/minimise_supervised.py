from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tuquan.care.services import minimise_after_days, supervised_minimise_due
from tuquan.core.actors import CONSOLE


class Command(BaseCommand):
    help = (
        "Xoá thông tin nhận dạng (họ tên, năm sinh, địa chỉ, căn cứ pháp lý, nhu cầu, ghi chú các lần gặp) "
        "của người được giúp đỡ đã kết thúc quá số ngày cấu hình (TUQUAN_CARE_MINIMISE_DAYS, mặc định 365). "
        "Diện, địa bàn, ngày và kết quả được giữ lại nên số liệu không đổi. Chạy hằng ngày bằng bộ lập lịch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Số ngày sau khi kết thúc (ghi đè cấu hình)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else minimise_after_days()
        count = supervised_minimise_due(actor=CONSOLE, days=days)
        self.stdout.write(f"Đã xoá thông tin nhận dạng của {count} người (kết thúc quá {days} ngày).")
