from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuquan.core import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu vào một tệp khi ứng dụng vẫn chạy (SQLite: sao lưu trực tuyến; "
        "PostgreSQL: pg_dump). Khoá chính KHÔNG nằm trong bản sao lưu: giữ nó ở nơi khác."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Tệp sao lưu sẽ ghi, ví dụ /backup/tuquan-2026-12-03.db")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            meta = backup.backup(Path(options["file"]))
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu {meta['bytes']:,} byte vào {options['file']} (khoá chính {meta['master_key_id']}: "
                "cần đúng khoá này để khôi phục)."
            )
        )
