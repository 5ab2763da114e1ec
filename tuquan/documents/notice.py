"""A short plain-text notice of key figures for a Zalo group: counts only, never a name,
a phone number or anything about a person."""

from __future__ import annotations

from datetime import date
from typing import Any

from tuquan.core.templatetags.tuquan import format_number
from tuquan.documents.narrative import compare, number, percent


def notice_text(report: dict[str, Any]) -> str:
    f = report["indicators"]
    prev = report.get("comparison", {}).get("previous", {}).get("indicators", {})
    start, end = date.fromisoformat(report["from"]), date.fromisoformat(report["to"])

    def n(code: str) -> str:
        return format_number(number(f.get(code, 0)))

    lines = [
        f"THÔNG TIN PHONG TRÀO TỰ QUẢN VỀ ANTT - {report['area']['name'].upper()}",
        f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}:",
        f"- {n('teams.active')} tổ, nhóm tự quản đang hoạt động tại {percent(f.get('coverage.villages'))}"
        f" thôn, bản, tổ dân phố ({compare(f.get('teams.active'), prev.get('teams.active'))}).",
        f"- {n('patrols.count')} buổi tuần tra, {n('patrols.member_turns')} lượt thành viên tham gia"
        f" ({compare(f.get('patrols.count'), prev.get('patrols.count'))}).",
        f"- {n('tips.count')} tin báo về ANTT, trong đó {n('tips.valuable')} tin có giá trị.",
        f"- {n('mediations.count')} vụ hòa giải; {n('meetings.count')} buổi sinh hoạt;"
        f" {n('awareness.sessions')} buổi tuyên truyền.",
        f"- Nhật ký hoạt động đã cập nhật {percent(f.get('reporting.completeness'))}.",
        "Đề nghị các tổ, nhóm tiếp tục duy trì tuần tra, ghi nhật ký đầy đủ và kịp thời báo tin cho"
        " công an xã.",
    ]
    return "\n".join(lines)
