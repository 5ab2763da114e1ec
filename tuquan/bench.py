"""`make bench`: performance figures, printed (never asserted in tests).

Runs against a throwaway SQLite database in a temporary directory, or on the PostgreSQL
server named by BENCH_DATABASE_URL: in a throwaway database beside the one it names
(`<name>_bench`, made afresh and dropped at the end), except `scale`, which keeps its dataset
in the named database itself (BENCH_REUSE). Each figure prints its target and the ratio.

    python -m tuquan.bench           every figure (`make bench`)
    python -m tuquan.bench scale     the report engine on the national dataset (`make bench-scale`)
    python -m tuquan.bench import    the 100,000-household workbook alone (`make bench-import`)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tuquan.core.actors import Actor


def _setup(mode: str) -> Callable[[], None]:
    """Django on the bench's database, migrated; returns what to call at the end."""
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    tmp = Path(tempfile.mkdtemp(prefix="tuquan-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings_test")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # Page weights are fetched over HTTP with the hashed, compressed assets production serves.
    call_command("collectstatic", interactive=False, verbosity=0)
    if connection.vendor != "postgresql" or mode == "scale":
        call_command("migrate", verbosity=0)
        return lambda: None
    # Figures such as "load-units, empty database" or a first import need an empty database,
    # as the SQLite file is: Django's test-database creation makes one (and migrates it)
    # under a name no test run uses.
    named = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": f"{named}_bench"}
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return lambda: connection.creation.destroy_test_db(named, verbosity=0)


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def report(name: str, seconds: float, target: float) -> None:
    print(
        f"{name:<58} {seconds * 1000:9.1f} ms   target {target * 1000:8.0f} ms   ratio {seconds / target:5.2f}"
    )


def main() -> None:
    mode = sys.argv[1] if sys.argv[1:] else ""
    if mode not in ("", "scale", "import"):
        sys.exit(__doc__)
    done = _setup(mode)
    try:
        run(mode)
    finally:
        done()


def run(mode: str) -> None:
    from django.db import connection
    from django.test import Client

    from tuquan.conftest import make_user
    from tuquan.core import units
    from tuquan.core.models import Area

    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    if mode == "scale":
        # `make bench-scale`: only the national dataset and the report engine (BENCH_SF).
        units.load()
        from tuquan import bench_scale

        bench_scale.run(report)
        return
    if mode == "import":
        # `make bench-import`: only the workbook of 100,000 households (issues 3, 18 and 22).
        units.load()
        bench_workbook(make_user("bench-officer", "commune_officer", Area.objects.get(ident="04099")))
        return
    report("load-units, empty database (all current + legacy units)", timed(lambda: units.load()), 60.0)
    report("load-units, second run (nothing changed)", timed(lambda: units.load(), repeat=3), 2.0)
    report("load-units --force (refresh every row)", timed(lambda: units.load(force=True)), 60.0)

    admin = make_user("bench-admin", "system_admin", Area.objects.get(ident="VN"))
    officer = make_user("bench-officer", "commune_officer", Area.objects.get(ident="04099"))
    a, o = Client(), Client()
    a.force_login(admin)
    o.force_login(officer)
    report(
        "API: all 3,321 communes as system admin",
        timed(lambda: a.get("/api/v1/areas?level=commune&limit=5000"), 5),
        1.0,
    )
    report("API: provinces list", timed(lambda: a.get("/api/v1/areas?level=province"), 20), 0.1)
    report("API: 75 children of Sơn La", timed(lambda: a.get("/api/v1/areas/14/children"), 20), 0.1)
    report(
        "API: one area as a commune officer (scoped)", timed(lambda: o.get("/api/v1/areas/04099"), 50), 0.05
    )
    report("API: 404 outside the officer's area", timed(lambda: o.get("/api/v1/areas/04078"), 50), 0.05)
    report(
        "page: search 'phieng' as system admin (13k areas)",
        timed(lambda: a.get("/dia-ban/?q=phieng"), 20),
        0.2,
    )
    report("page: commune page as its officer", timed(lambda: o.get("/dia-ban/04099/"), 20), 0.2)
    bench_dashboard()
    bench_phone()
    bench_workbook(officer)
    # Issue 6: the engine on synthetic national data (BENCH_SF, default 0.002 here so that
    # `make bench` stays within minutes; docs/performance.md records larger runs).
    os.environ.setdefault("BENCH_SF", "0.002")
    from tuquan import bench_scale

    bench_scale.run(report)


def bench_workbook(officer: Actor, households: int = 100_000) -> None:
    """Issue 3: 100,000 households with their heads imported into one commune in under a minute.

    The file is what an officer would type: local codes ("P1", "H1") linking each head to
    their household, a phone and an ID number for each head (encrypted on the way in), ten
    villages. Building the file is not timed; reading, checking and writing it is.
    """
    import io as bytes_io

    from django.db import connection
    from openpyxl import Workbook

    from tuquan.core import services as core_services
    from tuquan.core.models import Area
    from tuquan.registry import io
    from tuquan.registry.models import Household, Person

    commune = Area.objects.get(ident="04099")
    villages = [
        core_services.village_create(actor=officer, commune=commune, kind="Bản", name=f"Bản thử {n}").ident
        for n in range(1, 11)
    ]
    wb = Workbook(write_only=True)
    people = wb.create_sheet("Người")
    people.append(
        ["Mã người", "Họ và tên", "Giới tính", "Năm sinh", "Nơi ở", "Số định danh cá nhân", "Số điện thoại"]
    )
    homes = wb.create_sheet("Hộ gia đình")
    homes.append(["Mã hộ", "Chủ hộ", "Địa chỉ", "Nơi ở"])
    for n in range(households):
        village = villages[n % len(villages)]
        people.append(
            [f"P{n}", f"Lò Văn Chủ Hộ {n}", "Nam", 1950 + n % 50, village, f"0141{n:08d}", f"09{n:08d}"]
        )
        homes.append([f"H{n}", f"P{n}", f"Nhà số {n}", village])
    out = bytes_io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    print(f"workbook: {households:,} households and heads, {len(data) / 1e6:.1f} MB")
    from tuquan import bench_readers

    reads = bench_readers.run(data, f"{households:,} households")

    load = os.getloadavg()
    started = time.perf_counter()
    summary = io.import_workbook(actor=officer, data=data, source="bench.xlsx")
    took = time.perf_counter() - started
    assert (
        summary.of("households").created == households
        and Person.objects.filter(household__isnull=False).count() >= households
    )
    report(f"import: {households:,} households with heads, one commune", took, 60.0)
    # Issue 22: the whole import (reading, checking, writing) within twice openpyxl's bare
    # read-only read of the same file, timed just before on the same machine.
    report(
        f"import against 2 × openpyxl read-only ({reads[bench_readers.OPENPYXL] * 1000:.0f} ms)",
        took,
        2 * reads[bench_readers.OPENPYXL],
    )
    print(
        f"    {connection.vendor}; load average {load[0]:.2f} before the import, {os.getloadavg()[0]:.2f} after"
    )
    exported = timed(lambda: io.export_workbook(actor=officer, area=commune))
    report(
        f"export: the commune ({households:,} households, {Household.objects.count():,} in all)",
        exported,
        60.0,
    )
    again = io.export_workbook(actor=officer, area=commune)
    report(
        "re-import of that export (nothing changes)",
        timed(lambda: io.import_workbook(actor=officer, data=again)),
        60.0,
    )


def bench_dashboard() -> None:
    """Issue 8: the dashboard of the demo province, first load at 360 px (the page, its CSS
    and JavaScript, gzip-compressed as a phone receives them) under 100 KB; its time; the
    official report's Word and PDF files."""
    from datetime import date, timedelta

    from django.test import Client
    from django.utils import timezone

    from tuquan.conftest import make_user
    from tuquan.core.actors import CONSOLE
    from tuquan.core.demo import load_demo
    from tuquan.core.models import Area
    from tuquan.documents import services as documents
    from tuquan.journal.demo import load_journal_demo
    from tuquan.registry.demo import load_registry_demo

    load_demo()
    load_registry_demo()
    load_journal_demo()
    province = Area.objects.get(ident="14")
    viewer = make_user("bench-dashboard", "province_admin", province)
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10; K) Mobile", HTTP_ACCEPT_ENCODING="gzip")
    client.force_login(viewer)
    total = page_weight(client, "/tong-quan/14/")
    print(
        f"{'page: dashboard of Sơn La, first load at 360 px (gzip)':<58} {total / 1024:9.1f} KB"
        f"   target      100 KB   ratio {total / 102400:5.2f}"
    )
    report("page: dashboard of Sơn La (demo data)", timed(lambda: client.get("/tong-quan/14/"), 5), 0.5)
    end = timezone.localdate() - timedelta(days=1)
    start = date(end.year, 1, 1)
    # Most of the time is the engine's breakdown by commune (75 communes), not the writing.
    for fmt, target in (("docx", 10.0), ("pdf", 10.0)):
        try:
            took = timed(
                lambda fmt=fmt: documents.render_report(  # type: ignore[misc]
                    actor=CONSOLE, area=province, start=start, end=end, formats=(fmt,)
                )
            )
        except documents.PdfUnavailable as exc:
            print(f"official report {fmt}: skipped ({exc})")
            continue
        report(f"official report .{fmt}, Sơn La, year to date", took, target)


@contextmanager
def served() -> Iterator[str]:
    """The app in a real HTTP server on loopback (a thread of this process): the WSGI
    application alone, assets from the collected files through WhiteNoise, as in production."""
    import threading

    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def page_weight(client: object, url: str) -> int:
    """Bytes a phone downloads on first load: the page and its CSS/JS, gzip-compressed, fetched
    over HTTP from the served app as the person signed in to `client`. A missing asset stops
    the bench (weight.MissingAsset) instead of counting as a small number."""
    from tuquan.testing.weight import first_load_bytes, http_fetch

    cookies = {name: morsel.value for name, morsel in client.cookies.items()}  # type: ignore[attr-defined]
    with served() as base:
        return first_load_bytes(http_fetch(base, cookies), url)


def bench_phone() -> None:
    """Issue 4: the leader's journal and the patrol form, first load, at most 60 KB each."""
    from django.test import Client

    from tuquan.accounts.models import User
    from tuquan.registry.models import Team

    team = Team.objects.get(name="Tổ bảo vệ ANTT bản Nà Khoang")
    client = Client()
    client.force_login(User.objects.get(username="to"))
    for name, url in (
        ("team journal", f"/nhat-ky/{team.uid}/"),
        ("patrol form", f"/nhat-ky/{team.uid}/ghi/patrol/"),
    ):
        size = page_weight(client, url)
        print(
            f"{'page: leader ' + name + ', first load (gzip)':<58} {size / 1024:9.1f} KB"
            f"   target       60 KB   ratio {size / 61440:5.2f}"
        )


if __name__ == "__main__":
    main()
