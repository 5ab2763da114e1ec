"""The try-out served as `make run` serves it (gunicorn, SQLite in WAL with immediate
transactions), used by real processes: a commune's evening of reporting from twelve
clients, a background worker killed in the middle of an import, a backup restored.

One served try-out per test process (`xdist_group`): preparing it (migrate, units, demo)
takes about twenty seconds."""

from __future__ import annotations

import base64
import io
import os
import signal
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tuquan.testing.burst import burst, patrols, token
from tuquan.testing.served import Served, serve_tryout, stop

pytestmark = pytest.mark.xdist_group("served-tryout")


@pytest.fixture(scope="session")  # module scope was rebuilt when other modules' tests came between
def tryout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serve_tryout(tmp_path_factory.mktemp("tryout")) as served:
        yield served


def team_of(tryout: Served, village: str) -> str:
    """The uid of the demo team that patrols this village."""
    rows = tryout.query(
        "SELECT t.uid FROM registry_team t JOIN journal_entry e ON e.team_id = t.id "
        "JOIN core_area a ON a.id = e.village_id WHERE a.ident = ? AND e.kind = 'patrol' LIMIT 1",
        (village,),
    )
    return str(uuid.UUID(rows[0][0]))


def test_twelve_clients_recording_one_village_month_all_get_201_and_the_figures_stay_exact(
    tryout: Served,
) -> None:
    before = tryout.query("SELECT count(*) FROM journal_entry")[0][0]
    bodies = patrols(team_of(tryout, "04099.1"), "04099.1", date.today().replace(day=1), 300)

    answers = burst(tryout.url, token(tryout.url, "to", "tuquan-demo"), bodies, clients=12)

    assert answers == {201: 300}  # never "database is locked", never a 500
    assert tryout.query("SELECT count(*) FROM journal_entry")[0][0] == before + 300
    verified = tryout.tuquan("rollups", "--verify", check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr


JOB = """
import io, sys
from openpyxl import Workbook
from tuquan.accounts.models import User
from tuquan.registry import services
book = Workbook(write_only=True)
people = book.create_sheet("Người")
people.append(["Mã người", "Họ và tên", "Giới tính", "Năm sinh", "Nơi ở"])
for n in range(20000):
    people.append([f"P{n}", f"Lò Văn Thử {n}", "Nam", 1950 + n % 50, "04099.1"])
out = io.BytesIO()
book.save(out)
job = services.import_job_create(actor=User.objects.get(username="xa"), filename="20000.xlsx", data=out.getvalue())
print(job.pk)
"""


def job_state(tryout: Served, pk: int) -> tuple[str, int, int, int]:
    status, progress, attempts, size = tryout.query(
        "SELECT status, progress, attempts, length(data) FROM registry_importjob WHERE id = ?", (pk,)
    )[0]
    return status, progress, attempts, size


def test_a_worker_killed_in_the_middle_of_an_import_is_noticed_and_the_import_runs_again(
    tryout: Served,
) -> None:
    pk = int(tryout.tuquan("shell", "-c", JOB).stdout.split()[-1])
    people = tryout.query("SELECT count(*) FROM registry_person")[0][0]
    first = tryout.start("worker", "--interval", "0.2", "--no-startup-delay")
    deadline = time.monotonic() + 120
    while not (job_state(tryout, pk)[0] == "running" and job_state(tryout, pk)[1] >= 10):
        assert time.monotonic() < deadline and first.poll() is None, job_state(tryout, pk)
        time.sleep(0.1)
    stop(first, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    assert job_state(tryout, pk)[0] == "running"  # what the dead worker left behind

    second = tryout.start("worker", "--interval", "0.2", "--no-startup-delay")
    try:
        started = time.monotonic()
        while job_state(tryout, pk)[0] in ("queued", "running"):
            # The lease here is 4 s (TUQUAN_JOB_LEASE); in production 2 minutes.
            assert time.monotonic() - started < 90, job_state(tryout, pk)
            time.sleep(0.3)
    finally:
        stop(second)
    status, _progress, attempts, size = job_state(tryout, pk)
    assert (status, attempts, size) == ("done", 2, 0)  # run again to the end; the upload deleted
    assert tryout.query("SELECT count(*) FROM registry_person")[0][0] == people + 20000  # once, not twice
    lost = tryout.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE exception_class_path = ?",
        ("tuquan.core.jobs.WorkerLost",),
    )[0][0]
    assert lost == 1


def cells(path: Path) -> list[list[object]]:
    book = load_workbook(io.BytesIO(path.read_bytes()))
    return [[c for c in row] for ws in book.worksheets for row in ws.iter_rows(values_only=True)]


def test_a_backup_restored_gives_back_exactly_the_records_of_its_time(tryout: Served, tmp_path: Path) -> None:
    saved, before, after = tmp_path / "tuquan.db", tmp_path / "before.xlsx", tmp_path / "after.xlsx"
    tryout.tuquan("backup", str(saved))
    tryout.tuquan("export", "--area", "04099", "-o", str(before))
    changed = "from tuquan.registry.models import Person; Person.objects.update(full_name='Đã sửa nhầm')"
    tryout.tuquan("shell", "-c", changed)
    renamed = "SELECT count(*) FROM registry_person WHERE full_name != 'Đã sửa nhầm'"
    assert tryout.query(renamed)[0][0] == 0

    refused = tryout.tuquan(
        "restore",
        str(saved),
        "--yes",
        check=False,
        # Another master key: the encrypted fields would not open, so nothing is overwritten.
        env={"TUQUAN_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()},
    )
    assert refused.returncode != 0 and "Khoá chính" in refused.stderr
    assert tryout.query(renamed)[0][0] == 0

    # Found from outside: without its side file, a backup still proves its key, and a file
    # that is not a Tự Quản backup, or a backup onto the live database, is refused.
    (tmp_path / "tuquan.db.json").rename(tmp_path / "side.json")
    other_key = {"TUQUAN_MASTER_KEY": base64.b64encode(os.urandom(32)).decode()}
    refused = tryout.tuquan("restore", str(saved), "--yes", check=False, env=other_key)
    assert refused.returncode != 0 and "không mở được khoá dữ liệu" in refused.stderr
    stranger = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(stranger)
    connection.execute("CREATE TABLE notes (x)")
    connection.commit()
    connection.close()
    refused = tryout.tuquan("restore", str(stranger), "--yes", check=False)
    assert refused.returncode != 0 and "không phải bản sao lưu của Tự Quản" in refused.stderr
    onto_itself = tryout.tuquan("backup", str(tryout.var / "tuquan.sqlite3"), check=False)
    assert onto_itself.returncode != 0 and "đè lên" in onto_itself.stderr
    assert tryout.query(renamed)[0][0] == 0

    tryout.tuquan("restore", str(saved), "--yes")
    tryout.tuquan("export", "--area", "04099", "-o", str(after))

    assert cells(after) == cells(before)
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
