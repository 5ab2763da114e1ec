"""How the system log tells the assessment's rows (core.audit: nouns and phrases)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuquan.core import audit

NOUNS = {
    "assessment.criteriaset": gettext_lazy("bộ tiêu chí"),
    "assessment.criterion": gettext_lazy("tiêu chí"),
    "assessment.unit": gettext_lazy("cơ quan, đơn vị được đánh giá"),
    "assessment.round": gettext_lazy("đợt đánh giá"),
    "assessment.result": gettext_lazy("kết quả đánh giá"),
    "assessment.hotspot": gettext_lazy("địa bàn trọng điểm"),
    "assessment.hotspottask": gettext_lazy("nhiệm vụ ở địa bàn trọng điểm"),
    "assessment.ratingrules": gettext_lazy("quy tắc xếp loại lực lượng"),
    "assessment.gradingrules": gettext_lazy("quy tắc phân loại tổ"),
    "assessment.rating": gettext_lazy("xếp loại lực lượng"),
    "assessment.teamgrade": gettext_lazy("phân loại tổ"),
}


def round_(entry: Any) -> str | None:
    where = entry.area.name if entry.area_id and entry.area is not None else ""
    said = {
        "proposed": _("đề nghị kết quả đợt đánh giá của %(a)s"),
        "approved": _("phê duyệt đợt đánh giá của %(a)s"),
        "returned": _("trả lại đợt đánh giá của %(a)s"),
        "reopened": _("mở lại đợt đánh giá của %(a)s"),
    }.get(entry.object_label)
    if said:
        return said % {"a": where}
    if entry.action == "create":
        return _("mở đợt đánh giá năm %(y)s của %(a)s") % {"y": entry.object_label, "a": where}
    return None


def register() -> None:
    audit.nouns(NOUNS)
    audit.phrase("assessment.round", round_)
