import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tuquan.core import indicators, selectors
from tuquan.core.actors import actor_for


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ “{text}”: dùng YYYY-MM-DD.") from exc


def codes_argument(parser: Any) -> None:
    parser.add_argument(
        "--codes",
        type=lambda text: text.split(","),
        help="Chỉ các mã chỉ tiêu này, cách nhau bởi dấu phẩy (mặc định: mọi chỉ tiêu)",
    )


class Command(BaseCommand):
    help = "In mọi chỉ tiêu của một địa bàn trong một kỳ (hai đầu kỳ đều tính)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--area", required=True, help='Mã địa bàn: "14", "04099", "04099.3", "legacy:124"'
        )
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--as", dest="as_user", help="Áp dụng phạm vi của tài khoản này")
        parser.add_argument("--approved-only", action="store_true", help="Chỉ tính số liệu đã được duyệt")
        codes_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = iso_date(options["start"]), iso_date(options["end"])
        if end < start:
            raise CommandError("Ngày cuối kỳ trước ngày đầu kỳ.")
        actor = actor_for(options["as_user"])
        try:
            area = selectors.area_get_for_user(actor, options["area"])
        except Http404 as exc:
            raise CommandError(f"Không tìm thấy địa bàn “{options['area']}” trong phạm vi được xem.") from exc
        try:
            result = indicators.compute(
                actor=actor,
                area=area,
                start=start,
                end=end,
                approved_only=options["approved_only"],
                codes=options["codes"],
            )
        except indicators.UnknownIndicator as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{area.name} ({area.ident}) · {start:%d/%m/%Y} – {end:%d/%m/%Y}")
        for code, value in result["indicators"].items():
            label = indicators.INDICATORS.get(code.split(".by_")[0])
            self.stdout.write(f"  {code:<34} {_show(value):>14}  {label.label if label else ''}")
        for code, note in result["notes"].items():
            self.stdout.write(f"  * {code}: {note}")


def _show(value: Any) -> str:
    from tuquan.core.templatetags.tuquan import format_number

    if isinstance(value, dict) and "ratio" in value:
        pct = "—" if value["ratio"] is None else f"{value['ratio'] * 100:.1f}%".replace(".", ",")
        return f"{format_number(value['numerator'])}/{format_number(value['denominator'])} ({pct})"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items() if v) or "—"
    if isinstance(value, int):
        return format_number(value)
    return str(value)
