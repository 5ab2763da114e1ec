"""The report's narrative: a Django template (the province may edit it) rendered with the
figures of the report engine, already formatted the Vietnamese way ("17.891", "100%").

Template text: a line starting with "# " is a heading; other lines are paragraphs; blank
lines are dropped. Variables (each figure code with "." written "_"):
  {{ f.teams_active }}      the figure, formatted ("17.891")
  {{ n.teams_active }}      the raw number (for {% if %})
  {{ pct.coverage_villages }}  a ratio as a percentage ("98,5%")
  {{ frac.coverage_villages }} a ratio as "numerator/denominator" ("205/208")
  {{ prev.patrols_count }}  the previous period's figure, formatted
  {{ cmp.patrols_count }}   "tăng 12 so với kỳ trước (120)", "bằng kỳ trước", …
  {{ area }}, {{ scope }} ("tỉnh", "xã"), {{ start }}, {{ end }} (dd/mm/yyyy), {{ period }}
  {{ idle_teams }} teams with no recorded activity in the period
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError

from tuquan.core.templatetags.tuquan import format_number

DEFAULT_TEMPLATE = """\
# I. KẾT QUẢ THỰC HIỆN
# 1. Công tác xây dựng, củng cố các mô hình tự quản về an ninh, trật tự
Tính đến ngày {{ end }}, toàn {{ scope }} đã xây dựng, duy trì hoạt động {{ f.teams_active }} tổ, nhóm tự quản về an ninh, trật tự (ANTT) tại {{ pct.coverage_villages }} thôn, bản, tổ dân phố ({{ frac.coverage_villages }}){% if n.coverage_communes_denominator > 1 %} trên địa bàn {{ frac.coverage_communes }} xã, phường{% endif %}, với {{ f.teams_members }} thành viên; {{ f.households_covered }} hộ gia đình tham gia, {{ f.commitments_signed }} hộ đã ký cam kết thực hiện mô hình. Lực lượng tham gia bảo vệ ANTT ở cơ sở có {{ f.force_members }} người; {{ f.models_sites }} điểm mô hình đang được duy trì ({{ cmp.teams_active }} về số tổ, nhóm).
# 2. Kết quả hoạt động
Từ ngày {{ start }} đến ngày {{ end }}, {% if n.meetings_count or n.awareness_sessions or n.patrols_count %}các tổ, nhóm đã {% if n.meetings_count %}tổ chức {{ f.meetings_count }} buổi sinh hoạt; {% endif %}{% if n.awareness_sessions %}tổ chức {{ f.awareness_sessions }} buổi tuyên truyền{% if n.awareness_attendance_persons %} với {{ f.awareness_attendance_persons }} lượt người dự{% endif %}; {% endif %}{% if n.patrols_count %}phối hợp với lực lượng công an tổ chức {{ f.patrols_count }} buổi tuần tra{% if n.patrols_member_turns %} với {{ f.patrols_member_turns }} lượt thành viên tham gia{% endif %} ({{ cmp.patrols_count }}); {% endif %}.{% else %}chưa ghi nhận buổi sinh hoạt, tuyên truyền hay tuần tra nào của các tổ, nhóm.{% endif %}
{% if n.tips_count %}Các tổ, nhóm đã cung cấp {{ f.tips_count }} tin có liên quan đến ANTT{% if n.tips_valuable %}, trong đó {{ f.tips_valuable }} tin có giá trị{% endif %} ({{ cmp.tips_count }}){% else %}Trong kỳ chưa ghi nhận tin nào về ANTT do các tổ, nhóm cung cấp{% endif %}{% if n.arrests_cases %}; phát hiện, phối hợp bắt giữ {{ f.arrests_cases }} vụ{% if n.arrests_suspects %}, {{ f.arrests_suspects }} đối tượng{% endif %}{% endif %}{% if n.mediations_count %}; hòa giải {{ f.mediations_count }} vụ mâu thuẫn, tranh chấp{% if n.mediations_reconciled %}, trong đó {{ f.mediations_reconciled }} vụ hòa giải thành{% endif %}{% endif %}{% if n.incidents_count %}; xử lý {{ f.incidents_count }} sự việc{% endif %}.{% if n.items_homemade_guns or n.items_guns or n.items_bullets or n.items_knives %} Nhân dân đã giao nộp {% if n.items_homemade_guns %}{{ f.items_homemade_guns }} khẩu súng tự chế, {% endif %}{% if n.items_guns %}{{ f.items_guns }} súng các loại, {% endif %}{% if n.items_bullets %}{{ f.items_bullets }} viên đạn các loại, {% endif %}{% if n.items_knives %}{{ f.items_knives }} dao, kiếm các loại, {% endif %}.{% endif %}
Công tác tập huấn: {% if n.training_sessions %}tổ chức {{ f.training_sessions }} buổi tập huấn{% if n.training_attendees %} với {{ f.training_attendees }} lượt người tham dự{% endif %}.{% else %}chưa ghi nhận buổi tập huấn nào trong kỳ.{% endif %}
# II. TỒN TẠI, HẠN CHẾ
{% if n.teams_weak %}Còn {{ f.teams_weak }} tổ, nhóm hoạt động yếu, cầm chừng, mang tính hình thức.{% else %}Không có tổ, nhóm nào bị đánh giá hoạt động yếu.{% endif %}{% if idle_teams %} Có {{ idle_teams }} tổ, nhóm không ghi nhận hoạt động nào trong kỳ.{% endif %}
{% if n.reporting_completeness_missing %}Việc cập nhật nhật ký hoạt động chưa đầy đủ: mới đạt {{ pct.reporting_completeness }} ({{ frac.reporting_completeness }} lượt tổ - thôn - tháng có ghi nhận hoạt động){% elif n.reporting_completeness_denominator %}Nhật ký hoạt động được cập nhật đầy đủ ({{ frac.reporting_completeness }} lượt tổ - thôn - tháng){% else %}Chưa có tổ, nhóm nào phải ghi nhật ký hoạt động trong kỳ{% endif %}{% if n.coverage_villages_missing %}; còn {{ f.coverage_villages_missing }} thôn, bản, tổ dân phố chưa có mô hình hoạt động{% endif %}.
# III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI
Tiếp tục củng cố, nâng cao chất lượng hoạt động của các tổ, nhóm tự quản; kiện toàn hoặc giải thể các tổ, nhóm hoạt động yếu, nhân rộng các mô hình hoạt động hiệu quả; duy trì việc ghi nhật ký hoạt động đầy đủ, kịp thời để số liệu được tổng hợp chính xác; kịp thời biểu dương, khen thưởng các tập thể, cá nhân có thành tích xuất sắc.
"""


@dataclass
class Block:
    kind: str  # "heading" or "paragraph"
    text: str


def _engine() -> Engine:
    # A separate engine: no request, no loaders, no autoescape (the output is plain text).
    return Engine(
        autoescape=False,
        libraries={"tuquan": "tuquan.core.templatetags.tuquan"},
        string_if_invalid="",
    )


def check_template(text: str) -> None:
    try:
        _engine().from_string(text)
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": f"Mẫu có lỗi cú pháp: {exc}"}) from exc


def vn_date(day: date | str) -> str:
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return day.strftime("%d/%m/%Y")


def percent(value: Any) -> str:
    if not isinstance(value, dict) or value.get("ratio") is None:
        return "0%"
    pct = Decimal(str(value["ratio"])) * 100
    return f"{format_number(pct, 0 if pct == pct.to_integral() else 1)}%"


def fraction(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    return f"{format_number(value['numerator'])}/{format_number(value['denominator'])}"


def number(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("numerator", 0)
    if isinstance(value, str):
        return Decimal(value)
    return value or 0


def _ratio_pct(value: Any) -> Decimal | None:
    if not isinstance(value, dict) or value.get("ratio") is None:
        return None
    return Decimal(str(value["ratio"])) * 100


def compare(now: Any, before: Any, what: str = "kỳ trước") -> str:
    if before is None:
        return f"chưa có số liệu {what}"
    if isinstance(now, dict):
        return compare_ratio(now, before, what)
    a, b = number(now), number(before)
    if a == b:
        return f"bằng {what}"
    word = "tăng" if a > b else "giảm"
    text = f"{word} {format_number(abs(a - b))} so với {what} ({format_number(b)})"
    if b:
        text = f"{word} {format_number(abs(a - b))} ({format_number(abs(a - b) * 100 / Decimal(b), 1)}%) so với {what}"
    return text


def compare_ratio(now: Any, before: Any, what: str = "kỳ trước") -> str:
    """A rate's change in percentage points (91,7% after 83,3% is "tăng 8,4 điểm phần
    trăm"), never a percent of a percent nor a difference of numerators."""
    a, b = _ratio_pct(now), _ratio_pct(before)
    if a is None or b is None:
        return f"chưa so sánh được với {what}"
    # From the rates as shown (to 0,1%), so the reader's own subtraction agrees.
    points = a.quantize(Decimal("0.1")) - b.quantize(Decimal("0.1"))
    if not points:
        return f"bằng {what} ({percent(before)})"
    word = "tăng" if points > 0 else "giảm"
    return f"{word} {format_number(abs(points), 1)} điểm phần trăm so với {what} ({percent(before)})"


def trend(now: Any, before: Any) -> str:
    """ "up", "down" or "flat": a rate by its rate, a count by its count."""
    if isinstance(now, dict):
        a, b = _ratio_pct(now), _ratio_pct(before)
        if a is None or b is None:
            return "flat"
    else:
        a, b = number(now), number(before)
    return "up" if a > b else "down" if a < b else "flat"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    # The reports' periods start on a month's first day; a later day is clamped to the month's end.
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


def period_length(start: date, end: date) -> str:
    """How long a period is, counted right: 01/01–02/12 is "11 tháng và 2 ngày", 01/01–31/12
    "12 tháng", 05/03–20/03 "16 ngày"."""
    months = 0
    while _add_months(start, months + 1) - timedelta(days=1) <= end:
        months += 1
    days = (end - _add_months(start, months)).days + 1
    if not months:
        return f"{days} ngày"
    if not days:
        return f"{months} tháng"
    return f"{months} tháng và {days} ngày"


def context(report: dict[str, Any], *, area_level: str = "province", idle_teams: int = 0) -> dict[str, Any]:
    figures = report["indicators"]
    previous = report.get("comparison", {}).get("previous", {}).get("indicators", {})
    f: dict[str, str] = {}
    n: dict[str, Any] = {}
    pct: dict[str, str] = {}
    frac: dict[str, str] = {}
    prev: dict[str, str] = {}
    cmp: dict[str, str] = {}
    for code, value in figures.items():
        if isinstance(value, dict) and "ratio" not in value:
            continue
        key = code.replace(".", "_").replace("-", "_")
        n[key] = number(value)
        f[key] = format_number(number(value))
        if isinstance(value, dict):
            pct[key], frac[key] = percent(value), fraction(value)
            n[f"{key}_denominator"] = value["denominator"]
            missing = value["denominator"] - value["numerator"]
            n[f"{key}_missing"], f[f"{key}_missing"] = missing, format_number(missing)
        prev[key] = format_number(number(previous.get(code))) if code in previous else ""
        cmp[key] = compare(value, previous.get(code))
    scope = {"country": "quốc", "province": "tỉnh", "commune": "xã", "village": "thôn"}.get(area_level, "")
    return {
        "f": f,
        "n": n,
        "pct": pct,
        "frac": frac,
        "prev": prev,
        "cmp": cmp,
        "area": report["area"]["name"],
        "scope": scope,
        "start": vn_date(report["from"]),
        "end": vn_date(report["to"]),
        "period": f"từ ngày {vn_date(report['from'])} đến ngày {vn_date(report['to'])}",
        "idle_teams": idle_teams,
    }


def render(text: str, ctx: dict[str, Any]) -> list[Block]:
    rendered: str = _engine().from_string(text).render(Context(ctx))
    # A list whose clauses are each kept only when they have data ends in "; ." (the
    # default template): the last separator goes.
    rendered = re.sub(r"[;,]\s*\.", ".", rendered)
    blocks: list[Block] = []
    for line in rendered.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if line.startswith("# "):
            blocks.append(Block("heading", line[2:].strip()))
        else:
            blocks.append(Block("paragraph", line))
    return blocks
