import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tuquan.core import selectors
from tuquan.core.actors import actor_for
from tuquan.core.indicators import UnknownIndicator
from tuquan.core.management.commands.indicators import codes_argument, iso_date
from tuquan.reports import engine, formats, io


class Command(BaseCommand):
    help = "Báo cáo mọi chỉ tiêu của một địa bàn trong một kỳ, kèm phân tổ và so sánh (JSON hoặc Excel)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--area", required=True)
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--by",
            action="append",
            choices=engine.DIMENSIONS,
            help="child (đơn vị trực thuộc), type (loại mô hình), legacy (cơ cấu trước 2025)",
        )
        parser.add_argument("--format", choices=["json", "xlsx", "docx", "pdf"], default="json")
        parser.add_argument("-o", "--output", help="Tệp ghi ra (mặc định: màn hình cho JSON)")
        parser.add_argument("--as", dest="as_user")
        parser.add_argument("--approved-only", action="store_true")
        codes_argument(parser)
        # docx/pdf: the official report (Decree 30). A draft unless --issue, which stores it as issued.
        parser.add_argument("--issue", action="store_true", help="Ban hành và lưu (cần --number, --signer)")
        parser.add_argument("--number", default="", help="Số, ký hiệu, vd. 125/BC-CAT")
        parser.add_argument("--issued-on", default="", help="YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--signer", default="", help="Họ tên người ký")
        parser.add_argument("--signer-title", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = iso_date(options["start"]), iso_date(options["end"])
        if end < start:
            raise CommandError("Ngày cuối kỳ trước ngày đầu kỳ.")
        actor = actor_for(options["as_user"])
        try:
            area = selectors.area_get_for_user(actor, options["area"])
        except Http404 as exc:
            raise CommandError(f"Không tìm thấy địa bàn “{options['area']}” trong phạm vi được xem.") from exc
        if options["format"] in ("docx", "pdf"):
            if options["codes"] is not None:
                # The official report has its fixed contents (Decree 30): not a choice of figures.
                raise CommandError("--codes chỉ dùng với --format json hoặc xlsx.")
            formats.WRITERS[options["format"]](self, actor, area, start, end, options)
            return
        try:
            report = engine.build(
                actor=actor,
                area=area,
                start=start,
                end=end,
                by=options["by"] or ["child"],
                approved_only=options["approved_only"],
                codes=options["codes"],
            )
        except UnknownIndicator as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("Cần -o TỆP.xlsx")
            Path(options["output"]).write_bytes(io.workbook(report))
            self.stdout.write(f"Đã ghi {options['output']}")
            return
        text = json.dumps(report, ensure_ascii=False, indent=2)
        if options["output"]:
            Path(options["output"]).write_text(text)
            self.stdout.write(f"Đã ghi {options['output']}")
        else:
            self.stdout.write(text)
