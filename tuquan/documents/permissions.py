"""Who may issue official reports and edit a province's report template (`can_<verb>_<entity>`)."""

from __future__ import annotations

from tuquan.core import scoping
from tuquan.core.actors import Actor
from tuquan.core.models import Area, Level
from tuquan.core.roles import Cap

# Who issues an official report: those who approve the figures (commune officers, the province).
ISSUE_CAP = Cap.JOURNAL_REVIEW


def can_issue_report(user: Actor, area: Area) -> bool:
    return scoping.covers(user, area.path, ISSUE_CAP) and area.level in (Level.PROVINCE, Level.COMMUNE)


def can_edit_template(user: Actor, province: Area) -> bool:
    return province.level == Level.PROVINCE and scoping.covers(user, province.path, Cap.TYPE_MANAGE)


def can_read_figures(user: Actor, area: Area) -> bool:
    """Inside the user's own subtree (ancestors, visible for navigation, are not enough),
    current units only."""
    return not area.is_legacy and scoping.covers(user, area.path, Cap.AREA_READ)
