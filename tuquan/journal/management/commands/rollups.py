from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuquan.journal import rollups
from tuquan.registry import stocks


class Command(BaseCommand):
    help = (
        "Kiểm tra (--verify) hoặc dựng lại (--rebuild) các số tính sẵn — số tổng hợp tháng của nhật ký "
        "và số tồn theo ngày của sổ theo dõi (tổ, thành viên, thôn có mô hình) — so với đếm lại từ đầu."
    )

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--verify", action="store_true")
        group.add_argument("--rebuild", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            self.stdout.write(self.style.SUCCESS(f"Đã dựng lại {rollups.rebuild()} dòng tổng hợp nhật ký."))
            self.stdout.write(self.style.SUCCESS(f"Đã dựng lại {stocks.rebuild()} dòng số tồn sổ theo dõi."))
            return
        problems = rollups.verify() + stocks.verify()
        if problems:
            for line in problems[:50]:
                self.stdout.write(line)
            raise CommandError(f"{len(problems)} số tính sẵn khác với đếm lại.")
        self.stdout.write(self.style.SUCCESS("Số tính sẵn khớp với đếm lại từ nhật ký và sổ theo dõi."))
