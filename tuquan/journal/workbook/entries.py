"""Checking the "Nhật ký" sheet: each row with the journal's own rules (`services`), and its
check ("Trạng thái", "Nhận xét", "Có giá trị") as only a reviewer may set it."""

from __future__ import annotations

import copy
import uuid
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.core import workbook as wb
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap
from tuquan.journal import services
from tuquan.journal.models import Aggregate, Approval, ApprovalStatus, Entry, EntryStatus
from tuquan.journal.workbook.common import (
    CHOICES,
    TEXTS,
    Members,
    Writes,
    date_time,
    decimal,
    extra,
    idents,
    place,
)
from tuquan.journal.workbook.sheets import ENTRIES
from tuquan.registry.models import Person, Team
from tuquan.registry.workbook import JOURNAL_CHOICES

_UNSET: Any = object()
POPPY = Entry._meta.get_field("poppy_m2")


def _locked_months(imp: Any, known: dict[str, Entry]) -> set[tuple[int, Any]]:
    villages = {a.pk for a in imp.areas.values() if a.pk and a.level == Level.VILLAGE}
    villages |= {e.village_id for e in known.values()}
    found: set[tuple[int, Any]] = set()
    for batch in wb.chunks(villages):
        found.update(
            Approval.objects.filter(
                village_id__in=batch, status__in=[ApprovalStatus.APPROVED, ApprovalStatus.ACCEPTED]
            ).values_list("village_id", "month")
        )
    return found


def _yes_no_blank(c: wb.Cells, key: str) -> bool | None:
    return c.boolean(key, False) if c.text(key) else None


def _review(
    imp: Any,
    c: wb.Cells,
    existing: Entry | None,
    villages: list[Area],
    *,
    kind: str,
    edited: bool,
    statuses: dict[str, str],
) -> dict[str, Any]:
    """The row's check as it will be recorded. An edited entry goes back to be checked. A
    reviewer (the commune officer) otherwise sets the check as the file says; anyone else
    leaves it as it is, and a cell asking for another check is refused at that cell."""
    current = existing.status if existing is not None else EntryStatus.SUBMITTED
    current_comment = existing.review_comment if existing is not None else ""
    current_valuable = existing.tip_valuable if existing is not None else None
    wanted = c.choice("status", statuses) if c.has("status") else ""
    comment = c.text("review_comment", max_length=300) if c.has("review_comment") else current_comment
    valuable = _yes_no_blank(c, "tip_valuable") if c.has("tip_valuable") else current_valuable
    if valuable is not None and kind != "tip":
        c.error("tip_valuable", _("Chỉ đánh giá “có giá trị” cho thông tin cung cấp."))
    reviewer = all(imp.covers(place(v).path, Cap.JOURNAL_REVIEW) for v in villages)
    if not reviewer:
        target = EntryStatus.SUBMITTED if edited else current
        if wanted and wanted not in (current, target):
            c.error(
                "status",
                _("Chỉ cán bộ xã kiểm tra được hoạt động: ghi “%(s)s” hoặc để trống.")
                % {"s": wb.label(EntryStatus.choices, target)},
            )
        if comment != current_comment:
            c.error("review_comment", _("Chỉ cán bộ xã ghi nhận xét khi kiểm tra."))
        if valuable != current_valuable:
            c.error("tip_valuable", _("Chỉ cán bộ xã đánh giá thông tin."))
        return {"status": target}
    if existing is None:
        target = wanted or EntryStatus.SUBMITTED
    elif edited:
        # What was checked is no longer what is recorded: the check as exported does not
        # carry over to the edited entry; a check the reviewer changed in the file does.
        target = wanted if wanted and wanted != current else EntryStatus.SUBMITTED
    else:
        target = wanted or current
    if target == EntryStatus.RETURNED and not comment:
        c.error(
            "review_comment" if c.has("review_comment") else "status",
            _("Ghi lý do trả lại (cột “Nhận xét”)."),
        )
    review: dict[str, Any] = {"status": target, "review_comment": comment, "tip_valuable": valuable}
    checked = target != EntryStatus.SUBMITTED and (
        edited or target != current or comment != current_comment or valuable != current_valuable
    )
    if checked:
        review.update(reviewed_by=imp.user, reviewed_at=timezone.now())
    return review


def check_entries(imp: Any, data: Any, writes: Writes) -> None:
    known: dict[str, Entry] = imp.by_uid(Entry, data, ["team__type", "village__parent"])
    before: dict[int, list[Person]] = defaultdict(list)
    through = Entry.participants.through
    for batch in wb.chunks([e.pk for e in known.values()]):
        for link in through.objects.filter(entry_id__in=batch).select_related("person__area"):
            before[link.entry_id].append(link.person)
    locked = _locked_months(imp, known)
    members = Members(imp)
    kinds = wb.options(JOURNAL_CHOICES)
    statuses = wb.options(EntryStatus.choices)
    options = {name: wb.options(choices) for name, choices in CHOICES.items()}
    columns = {c.key for c in ENTRIES.columns}
    seen: set[str] = set()
    likely: dict[tuple[int, str, str, Any], str] = {}
    for number, cells in data.rows:
        c = wb.Cells(imp, data, number, cells)
        imp.tick()
        key, existing, ok = imp.existing_key(
            c, known, seen, lambda e: imp.covers(e.village.path, Cap.TEAM_READ) or imp.team_visible(e.team)
        )
        if not ok:
            continue
        team = imp.team_ref(c, "team", required=True)
        ident = c.text("village", required=True)
        village = imp.area_ref(c, "village", ident) if ident else None
        if village is not None and village.level != Level.VILLAGE:
            c.error("village", _("Ghi một thôn, tổ dân phố."))
        kind = c.choice("kind", kinds, required=True)
        day = c.date("occurred_on", required=True)
        people = [
            p for p in (imp.person_ref(c, "participants", k) for k in c.keys("participants")) if p is not None
        ]
        values: dict[str, Any] = {
            "team": team,
            "village": village,
            "kind": kind,
            "occurred_on": day,
            "other_participants": c.integer("other_participants", maximum=100_000) or 0,
            "started_at": date_time(c, "started_at"),
            "ended_at": date_time(c, "ended_at"),
            "poppy_m2": decimal(c, "poppy_m2", places=POPPY.decimal_places, digits=POPPY.max_digits),
            "extra": extra(c),
            "note": c.text("note"),
        }
        for name, length in TEXTS.items():
            values[name] = c.text(name, max_length=length)
        for name, choices in options.items():
            values[name] = c.choice(name, choices)
        for name in services.ALL_KIND_FIELDS:
            if name not in values:
                values[name] = c.integer(name, maximum=services.COUNT_LIMIT)
        allowed = set(services.KIND_FIELDS.get(kind, ()))
        for name in services.ALL_KIND_FIELDS:
            if kind and name not in allowed and values[name] not in (None, ""):
                c.error(name, _("Loại hoạt động này không ghi cột này."))
        values = {
            k: v for k, v in values.items() if c.has(k) or k in ("team", "village", "kind", "occurred_on")
        }
        if c.failed or team is None or village is None or day is None:
            continue
        if team.type_id is None:
            c.error("team", _("Tổ mã “%(k)s” chưa có loại mô hình hợp lệ.") % {"k": c.key("team")})
            continue
        if existing is not None and (existing.team_id != team.pk or existing.kind != kind):
            c.error(
                "team" if existing.team_id != team.pk else "kind",
                _("Tổ và loại hoạt động không đổi được bằng tệp."),
            )
            continue
        if existing is not None:
            for name in ("started_at", "ended_at"):
                kept = getattr(existing, name)
                if kept is not None and values.get(name) == kept.replace(second=0, microsecond=0):
                    values[name] = kept  # the file shows minutes; the API may have sent seconds
        diff = [k for k, v in values.items() if not wb.same(existing, k, v)] if existing is not None else []
        people_change = (
            c.has("participants")
            and existing is not None
            and (
                {p.pk for p in before.get(existing.pk, []) if imp.may_read_record(p.area)}
                != {p.pk for p in people}
                or any(p.pk is None for p in people)
            )
        )
        edited = existing is None or bool(diff) or people_change
        villages = [village] + ([existing.village] if existing is not None else [])
        review = _review(imp, c, existing, villages, kind=kind, edited=edited, statuses=statuses)
        if c.failed:
            continue
        writes.statuses[key or f"#{number}"] = (village.ident, day.replace(day=1), review["status"])
        review_diff = [k for k, v in review.items() if existing is None or not wb.same(existing, k, v)]
        if existing is not None and not edited and not review_diff:
            imp.summary.of("entries").unchanged += 1
            continue
        # The row writes: the journal's rules, as on the form and the API.
        places = [(village, day)]
        if existing is not None and (existing.village_id, existing.occurred_on.replace(day=1)) != (
            village.pk,
            day.replace(day=1),
        ):
            places.append((existing.village, existing.occurred_on))  # moved out of another month
        for area, when in places:
            if area.pk is not None and (area.pk, when.replace(day=1)) in locked:
                c.error(
                    "occurred_on",
                    _("Tháng %(m)s của %(v)s đã được duyệt: cần người duyệt mở lại trước khi sửa.")
                    % {"m": when.strftime("%m/%Y"), "v": area.name},
                )
        if c.failed:
            continue
        if existing is None and wb.as_uuid(key) is None and not c.boolean("confirm", False):
            # A row typed without a UUID, imported twice, would record the activity twice.
            spot = (id(team), village.ident, kind, day)
            twin = likely.get(spot) or _recorded_twin(team, village, kind, day)
            if twin:
                c.error(
                    "key" if c.has("key") else "occurred_on",
                    _(
                        "Có thể trùng với %(w)s (cùng tổ, thôn, loại, ngày). Nếu đúng là hoạt động khác, "
                        "ghi “Có” ở cột “Vẫn thêm”."
                    )
                    % {"w": twin},
                )
                continue
            likely[spot] = _("dòng %(n)s") % {"n": number}
        if edited:
            if not _valid(imp, c, existing, key, values, people, team, village, day, members, columns):
                continue
            writes.entry_spots.append((idents(village), kind, day, c))
        values.update(review)
        entry = existing or Entry(uid=wb.as_uuid(key) or uuid.uuid4(), created_by=imp.user)

        def may_write(t: Team = team, v: Area = village, old: Entry | None = existing) -> bool:
            def at(a: Area) -> bool:
                return imp.may_edit_roster(t) or imp.covers(place(a).path)

            return at(v) and (old is None or at(old.village))

        booked = imp.book(
            c,
            "entries",
            writes.entries,
            entry,
            values,
            new=existing is None,
            may_write=may_write,
            where="team",
            area=place(village),
        )
        if not booked and people_change and not c.failed:
            booked = imp.book_links(c, "entries", "participants", may_write, place(village))
        if not booked:
            continue
        if "reviewed_at" in review:
            writes.checks.append(entry)
        if existing is None or people_change:
            # People the importer cannot see stay: the file could not have shown them.
            hidden = (
                [p for p in before.get(entry.pk, []) if not imp.may_read_record(p.area)] if existing else []
            )
            writes.participants.append((entry, hidden + people))
        writes.touched.extend(places)


def _recorded_twin(team: Team, village: Area, kind: str, day: Any) -> str:
    if team.pk is None or village.pk is None:
        return ""
    found = Entry.objects.filter(team=team, village=village, kind=kind, occurred_on=day).exists()
    return _("một hoạt động đã ghi") if found else ""


def _valid(
    imp: Any,
    c: wb.Cells,
    existing: Entry | None,
    key: str,
    values: dict[str, Any],
    people: list[Person],
    team: Team,
    village: Area,
    day: Any,
    members: Members,
    columns: set[str],
) -> bool:
    """The services' rules for what the row records, and no total already covering it."""
    probe = copy.copy(existing) if existing is not None else Entry(uid=wb.as_uuid(key) or uuid.uuid4())
    for name, value in values.items():
        setattr(probe, name, value)
    areas = imp.team_areas.get(id(team))
    if areas is None:
        areas = list(team.areas.all()) if team.pk is not None else []
    belongs = village in areas or (village.parent is not None and village.parent in areas)
    try:
        probe.full_clean(
            exclude=["team", "village", "participants", "created_by", "reviewed_by"],
            validate_unique=False,
        )
        services.validate_entry(
            probe,
            participants=people,
            confirm=True,  # an outlying value was confirmed when first recorded; the file is checked
            villages=[village] if belongs else [],
            members=members.on(team, day),
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                c.error(name if name in columns and c.has(name) else "key", message)
        return False
    anc = idents(village)
    kind = values["kind"]
    covering = Aggregate.objects.filter(
        area__ident__in=anc,
        indicator__in=services.KIND_INDICATORS.get(kind, []),
        period_start__lte=day,
        period_end__gte=day,
    ).first()
    if covering is not None:
        c.error(
            "occurred_on",
            _("Kỳ này đã được nhập số tổng hợp (%(c)s): không ghi thêm từng hoạt động để tránh đếm hai lần.")
            % {"c": covering.indicator},
        )
        return False
    return True
