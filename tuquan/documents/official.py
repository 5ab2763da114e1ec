"""From the engine's report to the official document: subject, issuing body, signer and
recipients (defaults by level, all overridable), the narrative and the annex tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tuquan.core.models import Area, Level
from tuquan.documents import narrative
from tuquan.documents.paper import Paper, annex_tables


@dataclass
class Heading:
    number: str = ""
    issued_on: date | None = None
    subject: str = ""
    parent_body: str | None = None
    issuing_body: str = ""
    place: str = ""
    signer_name: str = ""
    signer_title: str = ""
    recipients: list[str] = field(default_factory=list)
    corrects: str = ""


def subject_for(start: date, end: date) -> str:
    topic = "công tác xây dựng, duy trì hoạt động các mô hình tự quản về an ninh, trật tự"
    if start.month == 1 and start.day == 1 and start.year == end.year:
        if (end.month, end.day) == (12, 31):
            return f"Tổng kết {topic} năm {end.year}"
        if (end.month, end.day) == (6, 30):
            return f"Sơ kết 6 tháng đầu năm {end.year} {topic}"
    return f"Kết quả {topic} từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def defaults(area: Area, start: date, end: date) -> Heading:
    province = area if area.level == Level.PROVINCE else area.province
    province_name = province.short_name if province else ""
    if area.level == Level.PROVINCE:
        return Heading(
            number="…/BC-CAT",
            subject=subject_for(start, end),
            parent_body="BỘ CÔNG AN",
            issuing_body=f"CÔNG AN TỈNH {province_name}".upper(),
            place=province_name,
            signer_title="GIÁM ĐỐC",
            recipients=[
                "Cục Xây dựng phong trào bảo vệ ANTQ (Bộ Công an)",
                f"Thường trực Tỉnh ủy, UBND tỉnh {province_name}",
                "Ban Chỉ đạo phong trào toàn dân bảo vệ ANTQ tỉnh",
            ],
        )
    return Heading(
        number="…/BC-CAX",
        subject=subject_for(start, end),
        parent_body=f"CÔNG AN TỈNH {province_name}".upper() if province_name else "",
        issuing_body=f"CÔNG AN {area.name}".upper(),
        place=area.short_name,
        signer_title="TRƯỞNG CÔNG AN",
        recipients=[f"Công an tỉnh {province_name}", "Đảng ủy, UBND xã"],
    )


def compose(
    *,
    area: Area,
    report: dict[str, Any],
    template: str,
    heading: Heading,
    today: date,
    idle_teams: int = 0,
    draft: bool = False,
) -> Paper:
    start, end = date.fromisoformat(report["from"]), date.fromisoformat(report["to"])
    base = defaults(area, start, end)
    ctx = narrative.context(report, area_level=area.level, idle_teams=idle_teams)
    return Paper(
        parent_body=(base.parent_body if heading.parent_body is None else heading.parent_body) or "",
        issuing_body=heading.issuing_body or base.issuing_body,
        number=heading.number or base.number,
        place=heading.place or base.place,
        issued_on=heading.issued_on or today,
        subject=heading.subject or base.subject,
        blocks=narrative.render(template, ctx),
        recipients=heading.recipients or base.recipients,
        signer_title=heading.signer_title or base.signer_title,
        signer_name=heading.signer_name or "",
        tables=annex_tables(report),
        corrects=heading.corrects,
        draft=draft,
    )
