"""`make bench-web`: what the served app answers per second, beside a bare Django app.

The project is served with production settings through `tuquan serve` (gunicorn, 2 workers
× 4 threads, no background worker), and a bare Django app (`tuquan.bench_bare`: one insert
view, one JSON view, no middleware) through gunicorn with the same command line, both on
the same database: BENCH_DATABASE_URL, else DATABASE_URL, else a throwaway SQLite file. The
database gets the official units and the demo province (skipped when a previous run left
them there). Then, on loopback only, 50 keep-alive connections (BENCH_WEB_CONNECTIONS) send
each request for BENCH_WEB_SECONDS (5) seconds:

- the journal write: `POST /api/v1/entries` (patrols of the commune's teams, with the
  commune officer's Bearer token), against the bare app's single-row insert;
- the indicators of a commune: `GET /api/v1/indicators?area=04099…` as its officer, and
- the leader's journal page `/nhat-ky/<team>/` (session cookie), both against the bare
  app's JSON GET;

and prints each as requests per second, p95 and its ratio to the bare request, beside the
target, then each app's largest worker RSS after 1,000 mixed requests. Browsers' and the
API clients' `Accept-Encoding: gzip` is sent with every request, as phones send it.

    make bench-web
    BENCH_DATABASE_URL=postgres://tq:tq@127.0.0.1:55499/tq_web_bench make bench-web

The client is this module's own (asyncio, one task per connection, a deadline per
request kind): it spends a few tens of microseconds per request, far below what the
servers spend, and needs nothing installed. Runs are bounded: about a minute in all.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count, cycle
from pathlib import Path
from typing import Any

COMMUNE = "04099"
LEADER = "to"
OFFICER = "xa"
# Fixed keys for the bench's own database only (never a deployment's): a second run on the
# same PostgreSQL database must read what the first one encrypted.
BENCH_SECRET_KEY = "tuquan-bench-web-only-not-a-secret"
BENCH_MASTER_KEY = "YmVuY2gtd2ViLW9ubHktbWFzdGVyLWtleS0zMmJ5dGU="
# As a small server runs it; BENCH_WEB_WORKERS / BENCH_WEB_THREADS to compare others
# (docs/performance.md: what this 2-core machine serves best).
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_WEB_THREADS", "4"))

# The targets (docs/performance.md, 2026-12-03 evening).
WRITE_RATIO = 0.25
WRITE_P95 = 0.150
READ_RATIO = 0.25
RSS_MB = 150.0


# --- the client -----------------------------------------------------------------------------


@dataclass
class Load:
    """What one request kind answered during a run."""

    name: str
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    # CPU seconds the server's processes spent during the run (`server_cpu`): on a shared
    # machine requests per second follow the others' load, CPU per request much less.
    cpu: float = 0.0

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / len(self.latencies) if self.latencies else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def p95(self) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)


Request = Callable[[], bytes]


def request_bytes(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Accept-Encoding: gzip"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; its status and whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() == "close"


async def _connection(port: int, next_request: Request, until: Callable[[], bool], load: Load) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while not until():
            started = time.perf_counter()
            writer.write(next_request())
            try:
                status, close = await _response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                status, close = 0, True
            load.latencies.append(time.perf_counter() - started)
            load.statuses[status] += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def run_load(
    name: str,
    port: int,
    next_request: Request,
    *,
    connections: int,
    seconds: float = 0.0,
    total: int = 0,
) -> Load:
    """`connections` keep-alive connections sending requests for `seconds`, or `total`
    requests in all; answers counted by status, each request's time from sending to the
    last byte of its answer."""
    load = Load(name)
    sent = count()
    deadline = time.perf_counter() + seconds

    def until() -> bool:
        if total:
            return next(sent) >= total
        return time.perf_counter() >= deadline

    async def main() -> None:
        await asyncio.gather(*(_connection(port, next_request, until, load) for _ in range(connections)))

    started = time.perf_counter()
    asyncio.run(main())
    load.seconds = time.perf_counter() - started
    return load


# --- the servers ----------------------------------------------------------------------------


def _free_port() -> int:
    from tuquan.testing.served import free_port

    return free_port()


def _environment(database_url: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "TUQUAN_DEMO", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DATABASE_URL=database_url,
        TUQUAN_VAR_DIR=str(var),
        SECRET_KEY=BENCH_SECRET_KEY,
        TUQUAN_MASTER_KEY=BENCH_MASTER_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies not limited to HTTPS.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="ERROR",
    )
    return env


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _wait(port: int, path: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {port} did not answer {path}") from None
            time.sleep(0.3)


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def server_cpu(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user and system) used so far by the server's running processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in [server.pid, *_descendants(server.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def worker_rss_mb(server: subprocess.Popen[bytes]) -> float:
    """The largest resident set among the server's gunicorn workers (the processes without
    children of their own: the master forks them)."""
    processes = [*_descendants(server.pid), server.pid]
    workers = [pid for pid in processes if not _descendants(pid)]
    return max((_rss_mb(pid) for pid in workers), default=0.0)


# --- preparing the database (run in a child process, under production settings) ------------


def prepare() -> None:
    """Migrate, load the units and the demo province when missing, collect the assets, create
    the bare app's table; print what the load needs (the leader's team, the pairs of team
    and village the officer writes patrols for, the open months)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tuquan.accounts.models import User

    if not User.objects.filter(username=LEADER).exists():
        if User.objects.exists():
            # The demo's logins have a published password: never into a database with people.
            raise SystemExit(
                "the database holds accounts but not the demo: bench-web runs only on an empty "
                "database or one it prepared before"
            )
        from tuquan.core import units

        units.load()
        from tuquan.assessment.demo import load_assessment_demo
        from tuquan.care.demo import load_care_demo
        from tuquan.core.demo import load_demo
        from tuquan.journal.demo import load_journal_demo
        from tuquan.registry.demo import load_registry_demo

        load_demo()
        load_registry_demo()
        load_journal_demo()
        load_assessment_demo()
        load_care_demo()
    call_command("collectstatic", interactive=False, verbosity=0)
    from tuquan.bench_bare.urls import ensure_table

    ensure_table()
    print(json.dumps(_plan()))


def _plan() -> dict[str, Any]:
    from django.utils import timezone

    from tuquan.core.models import Area
    from tuquan.journal.models import Approval
    from tuquan.registry.models import Team

    today = timezone.localdate()
    this_month = today.replace(day=1)
    months = [(this_month - timedelta(days=1)).replace(day=1), this_month]
    locked = set(Approval.objects.filter(month__in=months).values_list("village__ident", "month"))
    pairs = []
    commune = Area.objects.get(ident=COMMUNE)
    teams = Team.objects.filter(areas__path__startswith=commune.path).distinct()
    for team in teams.select_related("type").prefetch_related("areas"):
        if "patrol" not in team.type.journal_kinds or team.status != "active":
            continue
        for area in team.areas.all():
            if area.level == "village":
                pairs += [
                    (str(team.uid), area.ident, month.isoformat())
                    for month in months
                    if (area.ident, month) not in locked
                ]
    leader_team = Team.objects.filter(
        memberships__person__user__username=LEADER, memberships__role="leader"
    ).first()
    if leader_team is None or not pairs:
        raise SystemExit("the demo has no leader's team or no open village-month to write in")
    from tuquan.core.demo import DEMO_PASSWORD

    return {
        "leader_team": str(leader_team.uid),
        "pairs": pairs,
        "today": today.isoformat(),
        "password": DEMO_PASSWORD,
    }


# --- the run --------------------------------------------------------------------------------


def _patrols(plan: dict[str, Any], token: str) -> Request:
    today = date.fromisoformat(plan["today"])
    pairs = cycle(plan["pairs"])
    numbers = count()

    def next_request() -> bytes:
        team, village, month = next(pairs)
        first = date.fromisoformat(month)
        days = max(1, min(28, (today - first).days + 1))
        n = next(numbers)
        body = {
            "team": team,
            "village_id": village,
            "kind": "patrol",
            "occurred_on": (first + timedelta(days=n % days)).isoformat(),
            "other_participants": 2,
            "member_turns": 2,
            "note": f"bench-web {n}",
        }
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return request_bytes("POST", "/api/v1/entries", headers, json.dumps(body).encode())

    return next_request


def _fixed(raw: bytes) -> Request:
    return lambda: raw


def _mixed(*requests: Request) -> Request:
    kinds = cycle(requests)
    return lambda: next(kinds)()


def _line(name: str, load: Load, bare: Load, ratio_target: float, p95_target: float | None = None) -> str:
    ratio = load.rate / bare.rate if bare.rate else 0.0
    met = ratio >= ratio_target and load.errors == 0 and (p95_target is None or load.p95 < p95_target)
    parts = [
        f"{name:<44} {load.rate:8.1f} req/s  {ratio:5.2f} × bare {bare.rate:7.1f} (target ≥ {ratio_target})",
        f"p95 {load.p95 * 1000:7.0f} ms" + (f" (target < {p95_target * 1000:.0f} ms)" if p95_target else ""),
        f"errors {load.errors}/{len(load.latencies)} (target 0)",
        # what the ratio would be if the server's CPU alone decided it
        f"server CPU {load.cpu_ms:5.2f} ms/request ({bare.cpu_ms / load.cpu_ms:4.2f} × bare)",
        "met" if met else "NOT MET",
    ]
    return " · ".join(parts) + f"   answers {dict(sorted(load.statuses.items()))}"


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    if sys.argv[1:] == ["prepare"]:
        prepare()
        return
    seconds = float(os.environ.get("BENCH_WEB_SECONDS", "5"))
    connections = int(os.environ.get("BENCH_WEB_CONNECTIONS", "50"))
    var = Path(tempfile.mkdtemp(prefix="tuquan-bench-web-"))
    database_url = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or f"sqlite:///{var / 'bench.sqlite3'}"
    )
    env = _environment(database_url, var)
    started = time.monotonic()
    prepared = subprocess.run(
        [sys.executable, "-m", "tuquan.bench_web", "prepare"],
        env={**env, "DJANGO_SETTINGS_MODULE": "tuquan.settings"},
        capture_output=True,
        text=True,
    )
    if prepared.returncode:
        raise SystemExit(f"preparing the database failed:\n{prepared.stderr[-3000:]}")
    plan = json.loads(prepared.stdout.strip().splitlines()[-1])
    print(f"database: {database_url.split(':', 1)[0]} (prepared in {time.monotonic() - started:.0f} s)")

    from tuquan.core.management.commands.serve import gunicorn_command

    # BENCH_WEB_PORTS="8130,8131" when the machine's ports are shared out; else free ones.
    ports = [int(p) for p in os.environ.get("BENCH_WEB_PORTS", "").split(",") if p.strip()]
    app_port, bare_port = ports[:2] if len(ports) >= 2 else (_free_port(), _free_port())
    app = _start(
        [
            sys.executable,
            "-m",
            "tuquan.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{app_port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--no-worker",
        ],
        {**env, "DJANGO_SETTINGS_MODULE": "tuquan.settings"},
    )
    bare = _start(
        gunicorn_command("tuquan.bench_bare.wsgi", f"127.0.0.1:{bare_port}", WORKERS, THREADS),
        {**env, "DJANGO_SETTINGS_MODULE": "tuquan.bench_bare.settings"},
    )
    try:
        _wait(app_port, "/healthz", app)
        _wait(bare_port, "/read", bare)
        run(plan, app, app_port, bare, bare_port, seconds=seconds, connections=connections)
    finally:
        from tuquan.testing.served import stop

        stop(app)
        stop(bare)


def run(
    plan: dict[str, Any],
    app: subprocess.Popen[bytes],
    app_port: int,
    bare: subprocess.Popen[bytes],
    bare_port: int,
    *,
    seconds: float,
    connections: int,
) -> None:
    from tuquan.smoke import Smoke
    from tuquan.testing.burst import token

    base = f"http://127.0.0.1:{app_port}"
    officer = token(base, OFFICER, plan["password"])
    leader = Smoke(base)
    with contextlib.redirect_stdout(io.StringIO()):  # its checks print a line each
        signed_in = leader.login(LEADER, plan["password"])
    if not signed_in:
        raise RuntimeError(f"could not sign in as {LEADER}: {leader.failures}")
    cookie = "; ".join(f"{c.name}={c.value}" for c in leader.jar)
    year = date.fromisoformat(plan["today"]).year
    write = _patrols(plan, officer)
    indicators = _fixed(
        request_bytes(
            "GET",
            f"/api/v1/indicators?area={COMMUNE}&from={year}-01-01&to={plan['today']}",
            {"Authorization": f"Bearer {officer}"},
        )
    )
    page = _fixed(request_bytes("GET", f"/nhat-ky/{plan['leader_team']}/", {"Cookie": cookie}))
    insert = _fixed(
        request_bytes("POST", "/insert", {"Content-Type": "application/json"}, b'{"note": "bare"}')
    )
    read = _fixed(request_bytes("GET", "/read", {}))

    print(
        f"gunicorn {WORKERS} workers × {THREADS} threads each; {connections} connections; "
        f"{seconds:g} s per request kind; load average {_load_average()}"
    )
    # A few of each first: imports, first queries and persistent connections are not counted.
    for port, request in ((app_port, write), (app_port, indicators), (app_port, page)):
        run_load("warm-up", port, request, connections=2, total=6)
    for request in (insert, read):
        run_load("warm-up", bare_port, request, connections=2, total=6)

    loads = {}
    for name, server, port, request in (
        ("bare insert", bare, bare_port, insert),
        ("bare JSON GET", bare, bare_port, read),
        ("write", app, app_port, write),
        ("indicators", app, app_port, indicators),
        ("page", app, app_port, page),
    ):
        before = server_cpu(server)
        loads[name] = run_load(name, port, request, connections=connections, seconds=seconds)
        loads[name].cpu = server_cpu(server) - before
    for name in ("bare insert", "bare JSON GET"):
        load = loads[name]
        print(
            f"{name:<44} {load.rate:8.1f} req/s  p95 {load.p95 * 1000:5.0f} ms  "
            f"server CPU {load.cpu_ms:5.2f} ms/request   answers {dict(sorted(load.statuses.items()))}"
        )
    print(
        _line(
            "journal write, POST /api/v1/entries",
            loads["write"],
            loads["bare insert"],
            WRITE_RATIO,
            WRITE_P95,
        )
    )
    print(
        _line(f"indicators GET, commune {COMMUNE}", loads["indicators"], loads["bare JSON GET"], READ_RATIO)
    )
    print(_line("leader's journal page", loads["page"], loads["bare JSON GET"], READ_RATIO))

    run_load("mixed", app_port, _mixed(write, indicators, page), connections=connections, total=1000)
    run_load("mixed", bare_port, _mixed(insert, read), connections=connections, total=1000)
    rss, bare_rss = worker_rss_mb(app), worker_rss_mb(bare)
    verdict = "met" if rss <= RSS_MB else "NOT MET"
    print(
        f"{'worker RSS after 1,000 mixed requests':<44} {rss:8.1f} MB    (target ≤ {RSS_MB:.0f} MB) · "
        f"bare {bare_rss:.1f} MB · {verdict}"
    )
    print(f"load average at the end {_load_average()}")


if __name__ == "__main__":
    main()
