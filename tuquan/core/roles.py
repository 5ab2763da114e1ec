"""Roles and what each may do. Which *area* they may do it in is core.scoping's business."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TEAM_MEMBER = "team_member", _("Thành viên tổ")
    TEAM_LEADER = "team_leader", _("Tổ trưởng")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ Công an xã")
    COMMUNE_COMMITTEE = "commune_committee", _("Lãnh đạo UBND xã")
    PROVINCE_STAFF = "province_staff", _("Cán bộ tỉnh")
    PROVINCE_ADMIN = "province_admin", _("Quản trị tỉnh")
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")


class Cap:
    """Capability names; a role holds a capability over its area's subtree."""

    AREA_READ = "area.read"
    AREA_WRITE = "area.write"  # add, rename, merge villages
    ACCOUNT_MANAGE = "account.manage"
    ACCOUNT_SENSITIVE_READ = "account.sensitive_read"
    AUDIT_VIEW = "audit.view"
    TEAM_READ = "team.read"  # teams, their areas and status
    PEOPLE_READ = "people.read"  # names of people and households
    REGISTRY_WRITE = "registry.write"  # teams, people, households, memberships, commitments
    SENSITIVE_READ = "registry.sensitive_read"  # ID number, ethnicity, religion, phone (audited)
    TYPE_MANAGE = "type.manage"  # the model-type catalogue and the force settings
    JOURNAL_REVIEW = "journal.review"  # verify/return entries, approve and reopen a village's month
    JOURNAL_ACCEPT = "journal.accept"  # the province accepts approved months
    AGGREGATE_WRITE = "journal.aggregate"  # period totals for years before the system
    TIP_TRIAGE = "tip.triage"  # residents' tips: inbox, replies, states (tuquan.tips)
    SUPERVISION = "care.supervision"  # supervised persons of the commune: identities, history (tuquan.care)
    FUND_MANAGE = "care.fund_manage"  # team funds: entries and month closing (tuquan.care)
    ASSESSMENT_PROPOSE = "assessment.propose"  # units, rounds, hotspots, ratings (tuquan.assessment)
    ASSESSMENT_APPROVE = "assessment.approve"  # decide rounds, edit criteria sets (tuquan.assessment)


_READ = {Cap.AREA_READ, Cap.TEAM_READ, Cap.PEOPLE_READ}
_OFFICER = _READ | {
    Cap.AREA_WRITE,
    Cap.ACCOUNT_MANAGE,
    Cap.ACCOUNT_SENSITIVE_READ,
    Cap.REGISTRY_WRITE,
    Cap.SENSITIVE_READ,
}

_PROVINCE = {Cap.AUDIT_VIEW, Cap.TYPE_MANAGE, Cap.JOURNAL_REVIEW, Cap.JOURNAL_ACCEPT, Cap.AGGREGATE_WRITE}

ROLE_CAPS: dict[str, frozenset[str]] = {
    # A member sees the teams of their village, not the people registry.
    Role.TEAM_MEMBER: frozenset({Cap.AREA_READ, Cap.TEAM_READ}),
    # A leader reads their village's people; writes only the teams they lead (registry.permissions).
    Role.TEAM_LEADER: frozenset(_READ),
    Role.COMMUNE_OFFICER: frozenset(_OFFICER | {Cap.JOURNAL_REVIEW, Cap.AGGREGATE_WRITE, Cap.TIP_TRIAGE}),
    Role.COMMUNE_COMMITTEE: frozenset(_READ),
    Role.PROVINCE_STAFF: frozenset(_READ | {Cap.JOURNAL_ACCEPT}),
    Role.PROVINCE_ADMIN: frozenset(_OFFICER | _PROVINCE | {Cap.TIP_TRIAGE}),
    Role.SYSTEM_ADMIN: frozenset(_OFFICER | _PROVINCE | {Cap.TIP_TRIAGE}),
}
# The yearly assessment (tuquan.assessment): the commune proposes, the province approves.
for _role in (Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN):
    ROLE_CAPS[_role] = ROLE_CAPS[_role] | {Cap.ASSESSMENT_PROPOSE}
for _role in (Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN):
    ROLE_CAPS[_role] = ROLE_CAPS[_role] | {Cap.ASSESSMENT_APPROVE}
# Supervised persons and team funds (tuquan.care): the commune officer alone, never the
# province (which sees counts only); assigned leaders and helpers are let in by tuquan.care.
ROLE_CAPS[Role.COMMUNE_OFFICER] = ROLE_CAPS[Role.COMMUNE_OFFICER] | {Cap.SUPERVISION, Cap.FUND_MANAGE}

# Which roles a manager may hand out (always within the manager's own area): the province
# creates commune officers, a commune officer creates the leaders and members of its teams.
GRANTABLE: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(Role.values),
    Role.PROVINCE_ADMIN: frozenset(
        {
            Role.PROVINCE_STAFF,
            Role.COMMUNE_OFFICER,
            Role.COMMUNE_COMMITTEE,
            Role.TEAM_LEADER,
            Role.TEAM_MEMBER,
        }
    ),
    Role.COMMUNE_OFFICER: frozenset({Role.TEAM_LEADER, Role.TEAM_MEMBER}),
}

# The area level each role is bound to.
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.SYSTEM_ADMIN: ("country",),
    Role.PROVINCE_ADMIN: ("province",),
    Role.PROVINCE_STAFF: ("province",),
    Role.COMMUNE_OFFICER: ("commune",),
    Role.COMMUNE_COMMITTEE: ("commune",),
    Role.TEAM_LEADER: ("commune", "village"),
    Role.TEAM_MEMBER: ("commune", "village"),
}
