from typing import Any

from django.core.management.base import BaseCommand

from tuquan.core.indicators import INDICATORS


class Command(BaseCommand):
    help = "In bảng mọi mã chỉ tiêu (Markdown), để cập nhật docs/indicators.md."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("| code | label | kind | definition |\n| --- | --- | --- | --- |")
        for code, ind in sorted(INDICATORS.items()):
            self.stdout.write(f"| `{code}` | {ind.label} | {ind.kind} | {ind.definition} |")
