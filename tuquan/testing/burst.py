"""Many clients writing at once, over HTTP: a commune's evening of reporting.

`burst(url, token, bodies, clients)` sends every body as `POST /api/v1/entries` from
`clients` threads, each with its own connection, and counts the answers by status. Used by
the many-writers test (journal/tests/test_many_writers.py) and runnable by hand:

    python -m tuquan.testing.burst http://127.0.0.1:8000 to:tuquan-demo --clients 12 --entries 2000
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
from collections import Counter
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit


def _connection(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=60)


def post(
    conn: http.client.HTTPConnection, path: str, body: dict[str, Any], token: str = ""
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    raw = response.read()
    try:
        return response.status, json.loads(raw or b"null")
    except ValueError:
        return response.status, raw[:200]


def token(url: str, username: str, password: str) -> str:
    status, body = post(_connection(url), "/api/v1/auth/token", {"username": username, "password": password})
    if status != 200:
        raise RuntimeError(f"no token for {username}: {status} {body}")
    return str(body["token"])


def burst(url: str, token: str, bodies: list[dict[str, Any]], clients: int) -> Counter[int]:
    answers: Counter[int] = Counter()
    lock = threading.Lock()
    queue = list(reversed(bodies))

    def client() -> None:
        conn = _connection(url)
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            try:
                status, _answer = post(conn, "/api/v1/entries", body, token)
            except (OSError, http.client.HTTPException):
                status = 0  # no answer at all
                conn.close()
                conn = _connection(url)
            with lock:
                answers[status] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def patrols(team: str, village: str, month: date, count: int) -> list[dict[str, Any]]:
    """`count` patrols of one team in one village-month (no participants named), on the
    month's days up to today."""
    end = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    days = max(1, (min(end, date.today() + timedelta(days=1)) - month).days)
    return [
        {
            "team": team,
            "village_id": village,
            "kind": "patrol",
            "occurred_on": (month + timedelta(days=n % days)).isoformat(),
            "other_participants": 2,
            "member_turns": 2,
            "note": f"burst {n}",
        }
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("url")
    parser.add_argument("login", help="username:password")
    parser.add_argument("--team", required=True, help="the team's uid")
    parser.add_argument("--village", required=True, help="e.g. 04099.1")
    parser.add_argument("--month", default="", help="YYYY-MM (default: last month)")
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--entries", type=int, default=500)
    args = parser.parse_args()
    username, _sep, password = args.login.partition(":")
    first = (
        date.fromisoformat(f"{args.month}-01")
        if args.month
        else (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    )
    answers = burst(
        args.url,
        token(args.url, username, password),
        patrols(args.team, args.village, first, args.entries),
        args.clients,
    )
    print(dict(sorted(answers.items())))


if __name__ == "__main__":
    main()
