from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuquan.core import keys


class Command(BaseCommand):
    help = (
        "Xoay khoá mã hoá. Mặc định: tạo khoá dữ liệu mới và mã hoá lại mọi trường nhạy cảm. "
        "--old-master-key-file: bọc lại các khoá dữ liệu từ khoá chủ cũ sang khoá chủ hiện hành."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--old-master-key-file", help="Tệp chứa khoá chủ cũ (base64) khi đổi khoá chủ.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["old_master_key_file"]:
                n = keys.rewrap_data_keys(old_key_file=options["old_master_key_file"])
                self.stdout.write(self.style.SUCCESS(f"Đã bọc lại {n} khoá dữ liệu bằng khoá chủ hiện hành."))
            else:
                stats = keys.rotate_data_key()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Khoá dữ liệu mới #{stats['key_id']}; đã mã hoá lại {stats['values']} giá trị "
                        f"trong {stats['fields']} trường; đã huỷ {stats['retired']} khoá cũ."
                    )
                )
        except keys.KeyRotationError as exc:
            raise CommandError(str(exc)) from exc
