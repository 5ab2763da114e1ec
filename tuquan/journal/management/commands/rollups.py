from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuquan.journal import rollups


class Command(BaseCommand):
    help = (
        "Kiểm tra (--verify) hoặc dựng lại (--rebuild) số tổng hợp tháng của nhật ký so với đếm lại từ đầu."
    )

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--verify", action="store_true")
        group.add_argument("--rebuild", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            self.stdout.write(self.style.SUCCESS(f"Đã dựng lại {rollups.rebuild()} dòng tổng hợp."))
            return
        problems = rollups.verify()
        if problems:
            for line in problems[:50]:
                self.stdout.write(line)
            raise CommandError(f"{len(problems)} số tổng hợp khác với đếm lại.")
        self.stdout.write(self.style.SUCCESS("Số tổng hợp khớp với đếm lại từ nhật ký."))
