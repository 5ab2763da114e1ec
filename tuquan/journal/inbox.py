"""The journal's sections of the home page (issue 24: the home page is a work inbox).

Registered in `JournalConfig.ready` through `core.hooks.inbox`. Each section is a few grouped
queries whatever the number of entries: the home page is the first page of every session.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core.hooks import InboxItem, InboxSection
from tuquan.core.models import Area, Level
from tuquan.core.selectors import user_home_areas
from tuquan.journal.models import Approval, ApprovalStatus, Entry, EntryStatus
from tuquan.journal.periods import month_start, next_month
from tuquan.journal.permissions import can_accept_month, can_approve_month, can_enter_totals, can_record_entry
from tuquan.journal.selectors import DEADLINE_DAY, entries_visible, team_villages
from tuquan.registry.selectors import teams_of_user


def last_month(today: date) -> date:
    return month_start(month_start(today) - timedelta(days=1))


def past_deadline(month: date, today: date) -> bool:
    """A month's entries are due by the 5th of the next month (`DEADLINE_DAY`); after it, what
    is still missing or unapproved is late."""
    return today > next_month(month) + timedelta(days=DEADLINE_DAY - 1)


def sections(user: Any) -> list[InboxSection]:
    return [*_my_teams(user), *_commune_desks(user), *_province_desks(user)]


def _my_teams(user: Any) -> list[InboxSection]:
    """The leader's and the member's teams: record where they can, this month's entries, and
    what the commune returned to be corrected."""
    teams = teams_of_user(user)
    if not teams:
        return []
    today = timezone.localdate()
    month = month_start(today)
    counts = Counter(
        dict(
            Entry.objects.filter(team__in=teams, occurred_on__gte=month, occurred_on__lte=today)
            .values_list("team_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    items: list[InboxItem] = []
    recordable = []
    for team in teams:
        journal = bool(team.type.journal_kinds)
        url = (
            reverse("journal:team", args=[team.uid]) if journal else reverse("registry:team", args=[team.uid])
        )
        note = _("Tháng này: %(n)s hoạt động") % {"n": counts.get(team.pk, 0)} if journal else ""
        if journal and any(can_record_entry(user, team, v) for v in team_villages(team)):
            recordable.append(team)
            items.append(InboxItem(team.name, url, note=note, action=_("Ghi nhật ký"), action_url=url))
        else:
            items.append(InboxItem(team.name, url, note=note))
    found = [InboxSection(_("Tổ của tôi"), items, order=10)]
    if recordable:
        returned = list(
            Entry.objects.filter(team__in=recordable, status=EntryStatus.RETURNED)
            .select_related("team")
            .only("uid", "kind", "occurred_on", "review_comment", "team__name")
            .order_by("occurred_on", "id")[:20]
        )
        found.append(
            InboxSection(
                _("Bị trả lại, cần sửa"),
                [
                    InboxItem(
                        f"{e.get_kind_display()} {e.occurred_on:%d/%m} · {e.team.name}",
                        reverse("journal:entry", args=[e.uid]),
                        note=e.review_comment,
                        urgent=True,
                    )
                    for e in returned
                ],
                order=11,
                empty=_("Không có hoạt động nào bị trả lại."),
            )
        )
    return found


def _communes_checked(user: Any) -> list[Area]:
    """The communes whose journal the user checks: those they are assigned to. A province
    administrator may also check every commune of the province, but their home page would
    list a hundred communes; they reach a commune's page from the province's."""
    return [a for a in user_home_areas(user) if a.level == Level.COMMUNE and can_approve_month(user, a)]


def _commune_desks(user: Any) -> list[InboxSection]:
    communes = _communes_checked(user)
    if not communes:
        return []
    today = timezone.localdate()
    previous = last_month(today)
    village_q = Q()
    for commune in communes:
        village_q |= Q(village__path__startswith=commune.path)
    waiting = Counter(
        dict(
            entries_visible(user)
            .filter(village_q, status=EntryStatus.SUBMITTED)
            .values_list("village__parent_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    # Village-months with entries that are not approved (never, or reopened since).
    recorded = set(
        entries_visible(user)
        .filter(village_q, occurred_on__lt=month_start(today))
        .values_list("village_id", "village__parent_id", "occurred_on__year", "occurred_on__month")
        .distinct()
        .order_by()
    )
    approved = set(
        Approval.objects.filter(
            village__parent__in=communes, status__in=[ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED]
        ).values_list("village_id", "month")
    )
    unapproved: dict[int | None, list[date]] = {}
    for village_id, commune_id, year, month_no in recorded:
        month = date(year, month_no, 1)
        if (village_id, month) not in approved:
            unapproved.setdefault(commune_id, []).append(month)
    items: list[InboxItem] = []
    for commune in communes:
        page = reverse("journal:commune", args=[commune.ident])
        items.append(
            InboxItem(
                _("Hoạt động chờ kiểm tra: %(a)s") % {"a": commune.name},
                page,
                count=waiting.get(commune.pk, 0),
            )
        )
        months = sorted(unapproved.get(commune.pk, []))
        late = [m for m in months if past_deadline(m, today)]
        oldest = months[0] if months else previous
        items.append(
            InboxItem(
                _("Tháng của thôn chờ duyệt: %(a)s") % {"a": commune.name},
                f"{page}?thang={oldest:%Y-%m}",
                count=len(months),
                note=(
                    _("%(n)s tháng đã quá hạn ngày %(d)s (cũ nhất: %(m)s)")
                    % {"n": len(late), "d": DEADLINE_DAY, "m": f"{late[0]:%m/%Y}"}
                    if late
                    else ""
                ),
                urgent=bool(late),
            )
        )
    return [InboxSection(_("Kiểm tra và duyệt nhật ký"), items, order=20)]


def _province_desks(user: Any) -> list[InboxSection]:
    provinces = [a for a in user_home_areas(user) if a.level == Level.PROVINCE and can_accept_month(user, a)]
    if not provinces:
        return []
    today = timezone.localdate()
    previous = last_month(today)
    items: list[InboxItem] = []
    for province in provinces:
        page = reverse("journal:province", args=[province.ident])
        to_accept = Approval.objects.filter(
            village__path__startswith=province.path, status=ApprovalStatus.APPROVED
        ).aggregate(n=Count("id"), oldest=Min("month"))
        oldest = to_accept["oldest"] or previous
        items.append(
            InboxItem(
                _("Tháng của thôn chờ chấp nhận: %(a)s") % {"a": province.name},
                f"{page}?thang={oldest:%Y-%m}",
                count=to_accept["n"],
            )
        )
        # Communes late with last month: villages that recorded in it and are not approved
        # once the 5th has passed.
        if past_deadline(previous, today):
            recorded = set(
                entries_visible(user)
                .filter(
                    village__path__startswith=province.path,
                    occurred_on__gte=previous,
                    occurred_on__lt=next_month(previous),
                )
                .values_list("village_id", "village__parent_id")
                .distinct()
                .order_by()
            )
            approved = set(
                Approval.objects.filter(
                    village__path__startswith=province.path,
                    month=previous,
                    status__in=[ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED],
                ).values_list("village_id", flat=True)
            )
            late = {commune for village, commune in recorded if village not in approved}
            items.append(
                InboxItem(
                    _("Xã chưa duyệt xong tháng %(m)s: %(a)s")
                    % {"m": f"{previous:%m/%Y}", "a": province.name},
                    f"{page}?thang={previous:%Y-%m}",
                    count=len(late),
                    urgent=bool(late),
                )
            )
    return [InboxSection(_("Chấp nhận số liệu của xã"), items, order=20)]


def area_links(user: Any, area: Area) -> list[tuple[str, str]]:
    """The journal's pages about one area, for the area's page (core.hooks.area_links)."""
    links = []
    if area.level == Level.COMMUNE and can_approve_month(user, area):
        links.append((_("Kiểm tra, duyệt nhật ký"), reverse("journal:commune", args=[area.ident])))
    if area.level != Level.VILLAGE and can_enter_totals(user, area):
        links.append((_("Số liệu các năm trước"), reverse("journal:aggregates", args=[area.ident])))
    if area.level == Level.PROVINCE and can_accept_month(user, area):
        links.append((_("Chấp nhận số liệu tháng"), reverse("journal:province", args=[area.ident])))
    return links


def team_links(user: Any, team: Any) -> list[tuple[str, str]]:
    if not team.type.journal_kinds:
        return []
    return [(_("Nhật ký hoạt động"), reverse("journal:team", args=[team.uid]))]
