"""`tuquan report --format docx|pdf -o FILE`: the official report, as a draft or issued."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tuquan.core.actors import Actor
from tuquan.core.models import Area
from tuquan.documents import services
from tuquan.documents.official import Heading
from tuquan.documents.paper import PdfUnavailable


def write_document(
    command: BaseCommand, actor: Actor, area: Area, start: date, end: date, options: dict
) -> None:
    fmt, output = options["format"], options["output"]
    if not output:
        raise CommandError(f"Cần -o TỆP.{fmt}")
    try:
        if options.get("issue"):
            issued = services.report_issue(
                actor=actor,
                area=area,
                start=start,
                end=end,
                number=options.get("number", ""),
                issued_on=date.fromisoformat(options["issued_on"])
                if options.get("issued_on")
                else timezone.localdate(),
                signer_name=options.get("signer", ""),
                signer_title=options.get("signer_title", ""),
            )
            data = bytes(issued.docx) if fmt == "docx" else bytes(issued.pdf or b"")
            if not data:
                raise CommandError("Không tạo được PDF (thiếu WeasyPrint/pango); bản Word đã lưu.")
            command.stdout.write(f"Đã ban hành {issued.number} (mã {issued.uid})")
        else:
            heading = Heading(
                number=options.get("number", ""),
                signer_name=options.get("signer", ""),
                signer_title=options.get("signer_title", ""),
            )
            rendered = services.render_report(
                actor=actor, area=area, start=start, end=end, heading=heading, formats=(fmt,), draft=True
            )
            data = rendered.docx if fmt == "docx" else bytes(rendered.pdf or b"")
    except PdfUnavailable as exc:
        raise CommandError(f"Không tạo được PDF: thiếu WeasyPrint hoặc thư viện pango ({exc}).") from exc
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        raise CommandError("; ".join(messages)) from exc
    Path(output).write_bytes(data)
    command.stdout.write(f"Đã ghi {output}")
