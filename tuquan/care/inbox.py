"""The care app's part of the home page and of a team's page: the supervised persons the
person may see (counts for everyone reading an area), and each team's fund. Registered in
`CareConfig.ready` through core.hooks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tuquan.care.selectors import person_counts
from tuquan.core.hooks import InboxItem, InboxSection
from tuquan.core.selectors import user_home_areas


def sections(user: Any) -> list[InboxSection]:
    if not user_home_areas(user):
        return []
    total = sum(person_counts(user).values())
    return [
        InboxSection(
            _("Giúp đỡ, cảm hoá"),
            [InboxItem(_("Người được giúp đỡ, giáo dục tại địa bàn"), reverse("care:list"), count=total)],
            order=45,
        )
    ]


def team_links(user: Any, team: Any) -> list[tuple[str, str]]:
    return [(_("Quỹ của tổ"), reverse("care:fund", args=[team.uid]))]
