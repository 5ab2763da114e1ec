"""The assessment's sections of the home page: the commune's deadlines (20/11 for villages
and residential areas, 30/11 for the commune and its agencies, as each criteria set says),
rounds waiting for the province, and the province's rules. Registered in
`AssessmentConfig.ready` through `core.hooks.inbox`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.assessment import rules
from tuquan.assessment.models import GradingRules, RatingRules, Round, RoundStatus, SubjectKind
from tuquan.assessment.permissions import can_edit_rules, can_open_round
from tuquan.assessment.selectors import criteria_sets
from tuquan.core.hooks import InboxItem, InboxSection
from tuquan.core.models import Level
from tuquan.core.selectors import user_home_areas

# A deadline this close (or passed) with the round not yet proposed is flagged.
DUE_SOON_DAYS = 14
OWN_KINDS = (SubjectKind.RESIDENTIAL, SubjectKind.COMMUNE)


def sections(user: Any) -> list[InboxSection]:
    areas = user_home_areas(user)
    communes = [a for a in areas if a.level == Level.COMMUNE and can_open_round(user, a)]
    provinces = [a for a in areas if a.level == Level.PROVINCE and can_edit_rules(user, a)]
    items = [*_deadlines(communes), *_to_decide(provinces)]
    if not communes and not provinces:
        return []
    return [InboxSection(_("Đánh giá, phân loại"), items, order=40, empty=_("Không có việc nào đang chờ."))]


def _deadlines(communes: list[Any]) -> list[InboxItem]:
    if not communes:
        return []
    today = timezone.localdate()
    year = today.year
    sets = list(criteria_sets())
    rounds = {
        (r.commune_id, r.criteria_set_id): r
        for r in Round.objects.filter(commune__in=communes, year=year, criteria_set__in=sets)
    }
    items = []
    index = reverse("assessment:index")
    for commune in communes:
        for criteria_set in sets:
            due = rules.deadline(criteria_set, year)
            found = rounds.get((commune.pk, criteria_set.pk))
            # The commune's own deadlines are its villages' (20/11) and its own (30/11); the
            # sets for agencies, schools and enterprises concern units, listed once a round
            # for them is opened.
            if found is None and criteria_set.subject_kind not in OWN_KINDS:
                continue
            done = found is not None and found.status in (RoundStatus.PROPOSED, RoundStatus.APPROVED)
            # Once the year's deadline is long past and nothing was started, the line would
            # stay forever: only deadlines ahead, and those missed this season, are shown.
            if not done and (due - today).days < -60:
                continue
            state = found.get_status_display() if found else _("chưa mở đợt")
            left = (due - today).days
            note = _("còn %(n)s ngày") % {"n": left} if left >= 0 else _("quá hạn %(n)s ngày") % {"n": -left}
            items.append(
                InboxItem(
                    _("%(set)s — hạn %(due)s") % {"set": criteria_set.name, "due": f"{due:%d/%m/%Y}"},
                    reverse("assessment:round", args=[found.uid]) if found else index,
                    note=f"{commune.short_name or commune.name}: {state}" + ("" if done else f" · {note}"),
                    urgent=not done and left <= DUE_SOON_DAYS,
                )
            )
    return items


def _to_decide(provinces: list[Any]) -> list[InboxItem]:
    items = []
    for province in provinces:
        proposed = Round.objects.filter(
            commune__path__startswith=province.path, status=RoundStatus.PROPOSED
        ).count()
        items.append(
            InboxItem(
                _("Đợt đánh giá xã đã đề nghị, chờ phê duyệt: %(a)s") % {"a": province.name},
                reverse("assessment:index"),
                count=proposed,
            )
        )
        unset = not RatingRules.objects.filter(province=province).exists() or not (
            GradingRules.objects.filter(province=province).exists()
        )
        items.append(
            InboxItem(
                _("Quy tắc xếp loại lực lượng và phân loại tổ: %(a)s") % {"a": province.name},
                reverse("assessment:rules", args=[province.ident]),
                note=_("Chưa đặt đủ: đang dùng mức mặc định.") if unset else _("Đã đặt."),
                urgent=unset,
            )
        )
    return items
