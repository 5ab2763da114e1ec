"""`tuquan text-check [--repair]`: rows recorded before input was checked (core/input_guard.py)
that hold a control character or text not in NFC."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from tuquan.core.fields import EncryptedTextField
from tuquan.core.text import CONTROL, has_control, nfc


def text_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tuquan."):
            continue
        for model in config.get_models():
            names = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
                and not isinstance(f, EncryptedTextField)
            ]
            if names:
                found.append((model, names))
    return found


class Command(BaseCommand):
    help = (
        "Tìm các bản ghi có ký tự điều khiển hoặc chữ chưa chuẩn hoá NFC (ghi trước khi có kiểm tra đầu vào); "
        "--repair sửa chúng (xoá ký tự điều khiển, chuẩn hoá NFC). Thoát 1 khi còn bản ghi cần sửa."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repair", action="store_true", help="Sửa các bản ghi tìm thấy")

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model, names in text_fields():
            bad: list[tuple[models.Model, list[str]]] = []
            for row in model._default_manager.only("pk", *names).iterator(chunk_size=2000):
                fields = [
                    n
                    for n in names
                    if isinstance(value := getattr(row, n), str)
                    and (has_control(value) or nfc(value) != value)
                ]
                if fields:
                    bad.append((row, fields))
            if not bad:
                continue
            total += len(bad)
            fields = sorted({n for _row, ns in bad for n in ns})
            # Names of fields and counts only: the values may be personal data.
            self.stdout.write(f"{model._meta.label}: {len(bad)} bản ghi ({', '.join(fields)})")
            if options["repair"]:
                with transaction.atomic():
                    for row, ns in bad:
                        for n in ns:
                            setattr(row, n, nfc(CONTROL.sub("", getattr(row, n))))
                        model._default_manager.filter(pk=row.pk).update(**{n: getattr(row, n) for n in ns})
        if total and not options["repair"]:
            self.stderr.write(f"{total} bản ghi cần sửa: chạy lại với --repair.")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Đã sửa." if total else "Không có bản ghi nào cần sửa."))
