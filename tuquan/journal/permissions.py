"""Who may do what in the journal (`can_<verb>_<entity>`), for views, API, services and imports.

Recording is the team's and its home commune's; checking entries and approving a village's
month is the commune's (`Cap.JOURNAL_REVIEW`), accepting it the province's
(`Cap.JOURNAL_ACCEPT`); period totals are entered where `Cap.AGGREGATE_WRITE` reaches."""

from __future__ import annotations

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area
from tuquan.core.roles import Cap
from tuquan.journal.models import ApprovalStatus, Entry
from tuquan.registry.models import Team
from tuquan.registry.permissions import can_edit_roster


def can_record_entry(user: Actor, team: Team, village: Area) -> bool:
    """The team's leaders and its home commune's officers; for a border cluster, the officers
    of each commune record its activity at their own villages."""
    return can_edit_roster(user, team) or scoping.covers(user, village.path, Cap.REGISTRY_WRITE)


def can_review_entry(user: Actor, entry: Entry) -> bool:
    """Check or return an entry, judge a tip, delete a checked entry: the commune's officers."""
    return scoping.covers(user, entry.village.path, Cap.JOURNAL_REVIEW)


def can_approve_month(user: Actor, area: Area) -> bool:
    """A village's month (or, for `area` a commune, the months of its villages)."""
    return scoping.covers(user, area.path, Cap.JOURNAL_REVIEW)


def can_accept_month(user: Actor, area: Area) -> bool:
    return scoping.covers(user, area.path, Cap.JOURNAL_ACCEPT)


def can_reopen_month(user: Actor, village: Area, status: str | None) -> bool:
    """Only the level that approved last: the commune an approved month, the province an
    accepted one."""
    if status == ApprovalStatus.ACCEPTED:
        return can_accept_month(user, village)
    return can_approve_month(user, village)


def can_decide_months(user: Actor, area: Area) -> bool:
    """Approves or accepts months there: sees their state, and may ask to reopen one (the
    service then asks `can_reopen_month` of the month's own state)."""
    return can_approve_month(user, area) or can_accept_month(user, area)


def can_enter_totals(user: Actor, area: Area) -> bool:
    """Current units by scope; a pre-2025 unit by whoever covers its province, or a commune
    it went into wholly (history is entered where it is known)."""
    if not area.is_legacy:
        return scoping.covers(user, area.path, Cap.AGGREGATE_WRITE)
    if area.province is not None and scoping.covers(user, area.province.path, Cap.AGGREGATE_WRITE):
        return True
    whole = area.successor_links.filter(kind="whole").select_related("successor")
    return any(scoping.covers(user, link.successor.path, Cap.AGGREGATE_WRITE) for link in whole)
