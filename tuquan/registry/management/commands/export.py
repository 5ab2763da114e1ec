from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tuquan.core import selectors
from tuquan.core.actors import actor_for
from tuquan.registry import io


class Command(BaseCommand):
    help = (
        "Xuất sổ theo dõi của một địa bàn (thôn, loại mô hình, tổ, người, hộ, thành viên, cam kết, tập huấn, "
        "khen thưởng) ra một tệp Excel theo mẫu docs/import-format.md. Thoát 0: xong; 1: bị từ chối; 2: dùng sai."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--area", required=True, help='Mã địa bàn: "14", "04099", "04099.3"')
        parser.add_argument("-o", "--output", required=True, help="Tệp .xlsx sẽ ghi")
        parser.add_argument("--as", dest="as_user", help="Áp dụng phạm vi của tài khoản này")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = actor_for(options["as_user"])
        except CommandError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        try:
            area = selectors.area_get_for_user(actor, options["area"])
        except Http404 as exc:
            raise CommandError(
                f"Không tìm thấy địa bàn “{options['area']}” trong phạm vi được xem.", returncode=2
            ) from exc
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx" or not output.parent.is_dir():
            raise CommandError(f"“{output}”: cần một tệp .xlsx trong một thư mục có sẵn.", returncode=2)
        try:
            data = io.export_workbook(actor=actor, area=area)
        except (PermissionDenied, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message, returncode=1) from exc
        output.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(f"Đã ghi sổ theo dõi của {area.name} ({area.ident}) vào {output}.")
        )
