from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuquan.core import backup


class Command(BaseCommand):
    help = (
        "Khôi phục cơ sở dữ liệu từ một bản sao lưu của `tuquan backup` (dừng máy chủ web và tiến "
        "trình nền trước). Cần đúng khoá chính lúc sao lưu."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Tệp sao lưu")
        parser.add_argument("--yes", action="store_true", help="Không hỏi lại: dữ liệu hiện có bị thay thế")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            answer = input("Dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Gõ “có” để tiếp tục: ")
            if answer.strip().lower() not in ("có", "co", "yes"):
                raise CommandError("Đã huỷ: không có gì thay đổi.", returncode=1)
        try:
            meta = backup.restore(Path(options["file"]))
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Đã khôi phục bản sao lưu lúc {meta.get('created_at', '?')}."))
