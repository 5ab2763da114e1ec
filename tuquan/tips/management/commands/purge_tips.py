from typing import Any

from django.core.management.base import BaseCommand

from tuquan.core.actors import CONSOLE
from tuquan.tips.services import tips_purge


class Command(BaseCommand):
    help = (
        "Xoá nội dung, ảnh, trao đổi và danh tính của tin báo đã đóng quá thời hạn lưu giữ "
        "(TUQUAN_TIP_RETENTION_DAYS), báo trước cho cán bộ (TUQUAN_TIP_PURGE_WARNING_DAYS). "
        "Số liệu thống kê được giữ lại. Chạy hằng ngày bằng bộ lập lịch."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = tips_purge(actor=CONSOLE)
        self.stdout.write(
            f"Đã xoá nội dung {result['purged']} tin báo; báo trước {result['warned']} tin báo; "
            f"xoá {result['counters']} bộ đếm cũ."
        )
