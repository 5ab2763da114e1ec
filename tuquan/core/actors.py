"""Who acts when a `tuquan` command runs without `--as USERNAME`: the operator at the console.

The CLI contract gives such commands full access; modelling the operator as an actor with
the system administrator's grant keeps every permission check in one place (core.scoping)
instead of a bypass in each service.
"""

from __future__ import annotations

from typing import Any


class ConsoleActor:
    pk = None
    username = "console"
    is_authenticated = False
    is_active = True
    is_console = True

    def __str__(self) -> str:
        return self.username


CONSOLE = ConsoleActor()


def actor_for(username: str | None) -> Any:
    """`--as USERNAME` applies that user's scope; without it, the console's full access."""
    if not username:
        return CONSOLE
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    user = get_user_model().objects.filter(username=username.strip().lower(), is_active=True).first()
    if user is None:
        raise CommandError(f"Không có tài khoản đang hoạt động “{username}”.")
    return user
