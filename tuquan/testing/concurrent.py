"""Two connections at once, in a fixed order: the first holds its transaction open a moment
after its work, while the second tries its own (for tests of what waits for what)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def race(first: Callable[[], Any], second: Callable[[], Any], hold: float = 1.0) -> dict[str, str]:
    """Run `first` in a transaction kept open `hold` seconds after it is done, and `second`
    as soon as `first` is done (so it meets first's locks). Each outcome is "done" or
    "refused: <the rule's message>"."""
    from django.core.exceptions import ValidationError
    from django.db import connection, transaction

    inside, outcome = threading.Event(), {}

    def run(work: Callable[[], Any], name: str, wait: bool) -> None:
        try:
            if wait:
                inside.wait()
            with transaction.atomic():
                work()
                if not wait:
                    inside.set()
                    threading.Event().wait(hold)  # still open: the other must wait
            outcome[name] = "done"
        except ValidationError as exc:
            outcome[name] = "refused: " + " ".join(exc.messages)
        finally:
            inside.set()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(first, "first", False)),
        threading.Thread(target=run, args=(second, "second", True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome
