"""Who acts when a `tuquan` command runs without `--as USERNAME`: the operator at the console.

The CLI contract gives such commands full access; modelling the operator as an actor with
the system administrator's grant keeps every permission check in one place (core.scoping)
instead of a bypass in each service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Actor(Protocol):
    """Whoever a service acts for: a signed-in user (by session or API token, the same
    `accounts.User`), an anonymous visitor (refused by every check), or the console.
    Permissions read only these; `accounts.actors.acting_user` gives the account to record."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def is_active(self) -> bool: ...


class ConsoleActor:
    pk = None
    username = "console"
    is_authenticated = False
    is_active = True
    is_console = True

    def __str__(self) -> str:
        return self.username


CONSOLE = ConsoleActor()


def account_of(actor: Actor) -> Any:
    """The signed-in account behind `actor`; None for the console or an anonymous visitor.
    Any because the account model lives in accounts, a layer above core: above core, use
    `accounts.actors.acting_user`, which names the type."""
    return actor if actor.is_authenticated else None


def actor_for(username: str | None) -> ConsoleActor | AbstractBaseUser:
    """`--as USERNAME` applies that user's scope; without it, the console's full access."""
    if not username:
        return CONSOLE
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    user = get_user_model().objects.filter(username=username.strip().lower(), is_active=True).first()
    if user is None:
        raise CommandError(f"Không có tài khoản đang hoạt động “{username}”.")
    return user
