"""The account behind an actor, for the `…_by` columns a service fills."""

from __future__ import annotations

from tuquan.accounts.models import User
from tuquan.core.actors import Actor, account_of


def acting_user(actor: Actor) -> User | None:
    """The signed-in account, or None for the console (a command run without `--as`)."""
    user = account_of(actor)
    return user if isinstance(user, User) else None
