from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import compute
from tuquan.journal import services as journal
from tuquan.reports import engine
from tuquan.reports.io import scalar_codes, workbook

pytestmark = pytest.mark.django_db


def some_history(world: Any) -> None:
    """Patrols last month in Phiêng Khoài, tips in Chiềng Hặc, 2018 totals at an old commune and district."""
    from tuquan.core.models import Area
    from tuquan.registry import services as registry
    from tuquan.registry.models import ModelType

    other = registry.team_create(
        actor=CONSOLE,
        model_type=ModelType.objects.get(code="tuan-tra-nhan-dan"),
        name="Tổ tuần tra Nà Kè",
        home_area=world.other_commune,
        areas=[world.other_village],
        status="active",
        established_on=date(2015, 1, 1),
    )
    day = timezone.localdate().replace(day=1) - timedelta(days=5)
    for _ in range(3):
        journal.entry_record(
            actor=CONSOLE,
            team=other,
            village=world.other_village,
            kind="tip",
            occurred_on=day,
            tip_category="drugs",
        )
    journal.aggregate_record(
        actor=CONSOLE,
        area=Area.objects.get(ident="legacy:04078"),
        indicator="tips.count",
        period_kind="year",
        period_start=date(2018, 1, 1),
        value=Decimal(7),
    )
    journal.aggregate_record(
        actor=CONSOLE,
        area=Area.objects.get(ident="legacy:121"),
        indicator="tips.count",
        period_kind="year",
        period_start=date(2018, 1, 1),
        value=Decimal(5),
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_report_json_carries_the_same_indicators_as_tuquan_indicators(world: Any) -> None:
    some_history(world)
    args = ["--area", "14", "--from", "2018-01-01", "--to", str(timezone.localdate() - timedelta(days=1))]
    report = json.loads(run("report", *args, "--format", "json", "--by", "child", "--by", "type"))
    indicators = json.loads(run("indicators", *args, "--format", "json"))
    assert report["indicators"] == indicators["indicators"]
    assert report["breakdowns"]["child"]["04099"]["patrols.count"] == 1
    assert report["breakdowns"]["type"]["tuan-tra-nhan-dan"]["teams.active"] == 2
    assert set(report["comparison"]) == {"previous", "year_before"}


def test_the_excel_annex_reads_back_as_the_json(world: Any, tmp_path: Any) -> None:
    some_history(world)
    end = timezone.localdate() - timedelta(days=1)
    report = engine.build(actor=CONSOLE, area=world.province, start=date(2018, 1, 1), end=end, by=["child"])
    path = tmp_path / "annex.xlsx"
    path.write_bytes(workbook(report))
    wb = load_workbook(path)
    summary = {row[4]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True) if row[4]}
    for code in scalar_codes(report["indicators"]):
        value = report["indicators"][code]
        expected = value["ratio"] if isinstance(value, dict) else value
        if isinstance(expected, str):  # money: a decimal string in JSON, a number in Excel
            expected = float(expected)
        assert summary[code] == expected, code
    sheet = wb["Theo đơn vị"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "B2" and header[0] == "Đơn vị"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    col = next(i for i, h in enumerate(header) if h and h.endswith("(tips.count)"))
    assert rows["04078"][col] == report["breakdowns"]["child"]["04078"]["tips.count"] == 3 + 7
    assert sheet.cell(row=2, column=col + 1).number_format == "#,##0"


def test_a_legacy_period_adds_up_the_same_by_old_district_as_by_todays_communes(world: Any) -> None:
    some_history(world)
    end = timezone.localdate() - timedelta(days=1)
    report = engine.build(
        actor=CONSOLE, area=world.province, start=date(2018, 1, 1), end=end, by=["child", "legacy"]
    )
    by_district = sum(v.get("tips.count", 0) for v in report["breakdowns"]["legacy"].values())
    by_commune = sum(v["tips.count"] for v in report["breakdowns"]["child"].values())
    # Old Huyện Bắc Yên's own total (5) is known only at district level: it is in the legacy
    # breakdown and in the province total, not in any of today's communes.
    assert report["indicators"]["tips.count"] == 3 + 7 + 5 == by_district == by_commune + 5
    assert report["breakdowns"]["legacy"]["legacy:124"]["tips.count"] == 3 + 7  # Chiềng Hặc was in Yên Châu
    assert report["breakdowns"]["legacy"]["legacy:121"]["tips.count"] == 5


def test_the_legacy_breakdown_of_the_demo_province_matches_todays_communes(db: Any) -> None:
    from django.conf import settings

    from tuquan.core.demo import load_demo
    from tuquan.core.models import Area
    from tuquan.journal.demo import load_journal_demo
    from tuquan.registry.demo import load_registry_demo

    assert settings.DEMO is False  # loaded here through the loaders, as the command would in a demo
    load_demo()
    load_registry_demo()
    load_journal_demo()
    province = Area.objects.get(ident="14")
    end = timezone.localdate() - timedelta(days=1)
    report = engine.build(
        actor=CONSOLE, area=province, start=end - timedelta(days=365), end=end, by=["child", "legacy"]
    )
    for code in ("patrols.count", "patrols.member_turns", "meetings.count", "tips.count", "arrests.suspects"):
        by_district = sum(v.get(code, 0) for v in report["breakdowns"]["legacy"].values())
        by_commune = sum(v.get(code, 0) for v in report["breakdowns"]["child"].values())
        assert by_district == by_commune == report["indicators"][code], code
    assert report["indicators"]["patrols.count"] > 0


def test_a_figure_reflects_a_saved_entry_at_once_and_rollups_verify(world: Any) -> None:
    day = timezone.localdate() - timedelta(days=1)
    before = compute(actor=CONSOLE, area=world.province, start=day.replace(day=1), end=day)
    journal.entry_record(
        actor=world.linh,
        team=world.team,
        village=world.village,
        kind="meeting",
        occurred_on=day,
        participants=[world.person],
    )
    after = compute(actor=CONSOLE, area=world.province, start=day.replace(day=1), end=day)
    assert after["indicators"]["meetings.count"] == before["indicators"]["meetings.count"] + 1
    assert "khớp" in run("rollups", "--verify")


def test_a_small_report_is_ready_at_once_and_a_large_one_goes_to_the_worker(world: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    response = client.post(
        "/bao-cao/", {"area": "04099", "start": "01/01/2025", "end": "31/12/2025", "by": ["child"]}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã sẵn sàng" in page
    charlie = Client()
    charlie.force_login(world.charlie)
    response = charlie.post(
        "/bao-cao/", {"area": "14", "start": "01/01/2016", "end": "31/12/2025", "by": ["child", "type"]}
    )
    job_page = charlie.get(response["Location"]).content.decode()
    assert "Đang tính" in job_page and 'hx-trigger="every 2s"' in job_page


def test_a_report_outside_the_users_area_is_refused(world: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    response = client.post("/bao-cao/", {"area": "12", "start": "01/01/2025", "end": "31/12/2025"})
    assert response.status_code == 422 and "Không tìm thấy" in response.content.decode()


# One case per asker and area (the demo's 75 communes compared one by one take a few seconds each).
@pytest.mark.parametrize("asker, ident", [("console", "14"), ("staff", "14"), ("staff", "04099")])
def test_the_demo_breakdown_by_child_equals_each_child_computed_alone(
    demo: dict[str, Any], asker: str, ident: str
) -> None:
    """The engine reads all children at once (each provider's grouped form): for the demo
    province's communes and the demo commune's villages, with statutory teams, households,
    commitments, trainings, assessment and supervision, every figure equals `compute`."""
    from tuquan.conftest import make_user
    from tuquan.core.indicators import compute_children
    from tuquan.core.models import Area

    province = Area.objects.get(ident="14")
    actor = CONSOLE if asker == "console" else make_user("tam", "province_staff", province)
    area = Area.objects.get(ident=ident)
    end = timezone.localdate() - timedelta(days=1)
    kids = engine.children(actor, area)
    for start in (end - timedelta(days=365), date(end.year, 1, 1)):
        together = compute_children(actor=actor, areas=kids, start=start, end=end)
        for kid in kids:
            assert together[kid.ident] == compute(actor=actor, area=kid, start=start, end=end), kid.ident
    if ident == "04099":
        figures = compute_children(actor=CONSOLE, areas=[area], start=start, end=end)
        assert figures["04099"]["indicators"]["teams.members"] > 0
        assert figures["04099"]["indicators"]["force.members"] > 0


@pytest.mark.parametrize(
    ("start", "end", "previous"),
    [
        # Whole months go back by as many whole months (a leap year does not shift a day).
        (date(2025, 1, 1), date(2025, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),
        (date(2025, 1, 1), date(2025, 6, 30), (date(2024, 7, 1), date(2024, 12, 31))),
        (date(2025, 3, 1), date(2025, 5, 31), (date(2024, 12, 1), date(2025, 2, 28))),
        (date(2016, 1, 1), date(2025, 12, 31), (date(2006, 1, 1), date(2015, 12, 31))),
        # Any other period goes back by its number of days.
        (date(2025, 1, 15), date(2025, 2, 14), (date(2024, 12, 15), date(2025, 1, 14))),
    ],
)
def test_the_previous_period_of_whole_months_is_whole_months(start: date, end: date, previous: Any) -> None:
    assert engine.previous_period(start, end) == previous


def test_a_report_whose_worker_died_is_failed_with_a_message_not_left_computing(world: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    from tuquan.core import jobs
    from tuquan.core.models import WorkerBeat
    from tuquan.reports.models import JobStatus, ReportJob
    from tuquan.reports.tasks import report_run_task

    job = ReportJob.objects.create(
        actor=world.charlie, area=world.province, start=date(2024, 1, 1), end=date(2024, 12, 31)
    )
    task = report_run_task.enqueue(job.pk)
    long_ago = timezone.now() - jobs.lease() - timedelta(seconds=1)
    DBTaskResult.objects.filter(id=task.id).update(status="RUNNING", worker_ids=["gone"], started_at=long_ago)
    WorkerBeat.objects.create(worker_id="gone", beat_at=long_ago)  # the lease of a worker killed
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    assert jobs.reap() == [str(task.id)]

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "dừng giữa chừng" in job.error
