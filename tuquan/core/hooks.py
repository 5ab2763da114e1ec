"""Where the apps above core plug into it (each in its AppConfig.ready), so that core never
imports them: the layers point down (`lint-imports`, docs/architecture.md "Layers").

- `DEMO_LOADERS`: (order, loader) pairs that `tuquan load-demo` runs after core's villages,
  in order (accounts 10, registry 20, journal 30, assessment 40, care 50); the accounts'
  loader returns the demo accounts it made, as (username, role, area name) rows.
- `INBOX`: functions of the signed-in user giving the home page's sections, each an
  `InboxSection` of what waits for that person in one app (issue 24: the home page is a work
  inbox). A function returns [] for a person it has nothing for; sections are shown by `order`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tuquan.core.actors import Actor

DEMO_LOADERS: list[tuple[int, Callable[[], Any]]] = []


@dataclass(frozen=True)
class InboxItem:
    """One line of a home page section: what it is, where to go, and how many wait there.
    `button` makes it a call to act (record, check); `urgent` marks what is late or due soon."""

    label: str
    url: str
    count: int | None = None
    note: str = ""
    urgent: bool = False
    button: bool = False
    # A call to act beside the line (e.g. "Ghi nhật ký" beside a team), as a button.
    action: str = ""
    action_url: str = ""


@dataclass(frozen=True)
class InboxSection:
    title: str
    items: list[InboxItem] = field(default_factory=list)
    order: int = 50
    # Shown when the section has no items (e.g. "nothing to check"): a section is listed for
    # the roles it belongs to even when empty, so the person knows the page looked.
    empty: str = ""


INBOX: list[Callable[[Actor], list[InboxSection]]] = []
# (user, area) → [(label, url)]: the pages of higher apps about one area, as buttons on the
# area's page (the commune's review, the province's acceptance, the summary...).
AREA_LINKS: list[Callable[[Actor, Any], list[tuple[str, str]]]] = []
# (user, team) → [(label, url)]: the same on a team's page (its journal, its fund).
TEAM_LINKS: list[Callable[[Actor, Any], list[tuple[str, str]]]] = []


def demo_loader(order: int, loader: Callable[[], Any]) -> None:
    if all(existing is not loader for _o, existing in DEMO_LOADERS):
        DEMO_LOADERS.append((order, loader))
        DEMO_LOADERS.sort(key=lambda pair: pair[0])


def inbox(contribute: Callable[[Actor], list[InboxSection]]) -> None:
    if contribute not in INBOX:
        INBOX.append(contribute)


def area_links(contribute: Callable[[Actor, Any], list[tuple[str, str]]]) -> None:
    if contribute not in AREA_LINKS:
        AREA_LINKS.append(contribute)


def team_links(contribute: Callable[[Actor, Any], list[tuple[str, str]]]) -> None:
    if contribute not in TEAM_LINKS:
        TEAM_LINKS.append(contribute)


def links_of_area(user: Actor, area: Any) -> list[tuple[str, str]]:
    return [link for contribute in AREA_LINKS for link in contribute(user, area)]


def links_of_team(user: Actor, team: Any) -> list[tuple[str, str]]:
    return [link for contribute in TEAM_LINKS for link in contribute(user, team)]


def inbox_sections(user: Actor) -> list[InboxSection]:
    sections = [section for contribute in INBOX for section in contribute(user)]
    return sorted(sections, key=lambda section: section.order)
