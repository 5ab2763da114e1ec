import time
from typing import Any

from django.core.management.base import BaseCommand

from tuquan.core import units


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính chính thức (34 tỉnh, 3.321 xã và danh mục cũ 63 tỉnh). Chạy lại an toàn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Nạp lại dù dữ liệu không đổi.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        counts = units.load(force=options["force"])
        took = time.monotonic() - started
        if counts.pop("skipped", 0):
            self.stdout.write(f"Danh mục đơn vị hành chính đã được nạp trước đó ({took:.1f} s).")
            return
        self.stdout.write(
            self.style.SUCCESS(
                "Đã nạp {province} tỉnh, {commune} xã; danh mục cũ: {legacy_province} tỉnh, {legacy_district} huyện, "
                "{legacy_commune} xã; {successions} liên kết kế thừa ({split_legacy_communes} xã cũ bị chia) "
                "trong {took:.1f} s.".format(took=took, **counts)
            )
        )
