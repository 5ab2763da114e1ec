from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuquan.core.actors import actor_for
from tuquan.registry import io


class Command(BaseCommand):
    help = (
        "Nhập một tệp Excel theo mẫu docs/import-format.md: mọi dòng được kiểm tra trước, có lỗi thì không ghi "
        "gì. Thoát 0: xong; 1: tệp bị từ chối (in mọi lỗi “Trang / dòng / cột: lỗi”); 2: dùng sai."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và đếm, không ghi gì")
        parser.add_argument("--as", dest="as_user", help="Áp dụng phạm vi của tài khoản này")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = actor_for(options["as_user"])
        except CommandError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp “{path}”.", returncode=2)

        verbose = options["verbosity"] > 1

        def progress(percent: int) -> None:
            if verbose:
                self.stderr.write(f"{percent}%")

        try:
            summary = io.import_workbook(
                actor=actor,
                data=path.read_bytes(),
                dry_run=options["dry_run"],
                progress=progress,
                source=path.name,
            )
        except io.WorkbookErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp bị từ chối: {len(exc.errors)} lỗi. Không có gì được ghi.", returncode=1
            ) from exc
        self.stdout.write(f"{'Trang':<22} {'thêm':>8} {'sửa':>8} {'giữ nguyên':>11} {'chờ xếp':>8}")
        for title, counts in summary.sheets.items():
            self.stdout.write(
                f"{title:<22} {counts.created:>8} {counts.changed:>8} {counts.unchanged:>11} {counts.queued:>8}"
            )
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS("Tệp hợp lệ. Chạy thử: không có gì được ghi."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã nhập: thêm {summary.created}, sửa {summary.changed}, chờ xếp {summary.queued}."
                )
            )
