from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tuquan.conftest import skip_or_fail
from tuquan.core.actors import CONSOLE
from tuquan.core.indicators import compute
from tuquan.core.templatetags.tuquan import format_number
from tuquan.documents import services
from tuquan.documents.models import IssuedReport
from tuquan.documents.notice import notice_text
from tuquan.journal import services as journal
from tuquan.reports import engine
from tuquan.reports.io import scalar_codes
from tuquan.testing.weight import client_fetch, first_load_bytes

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def period_args(demo: dict[str, Any]) -> list[str]:
    return ["--area", "14", "--from", demo["start"].isoformat(), "--to", demo["end"].isoformat()]


def shown(value: Any) -> str:
    if isinstance(value, dict):  # the annex shows a ratio over nothing as "—"
        return f"{value['numerator']}/{value['denominator']}" if value["denominator"] else "—"
    return format_number(value)


def test_the_docx_of_the_demo_province_has_the_national_header_the_decree_30_parts_and_the_figures(
    demo: dict[str, Any], tmp_path: Any
) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    path = tmp_path / "bao-cao.docx"
    run("report", *period_args(demo), "--format", "docx", "-o", str(path))
    figures = json.loads(run("indicators", *period_args(demo), "--format", "json"))["indicators"]
    doc = Document(str(path))

    section = doc.sections[0]

    def mm(length: Any) -> int:
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    # Page numbers centred at the top from page 2: the first page's header is its own, empty.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and not section.first_page_header.paragraphs[0].text
    assert doc.styles["Normal"].font.name == "Times New Roman"

    head = doc.tables[0].rows[0].cells
    left = [p for p in head[0].paragraphs if p.text]
    right = [p for p in head[1].paragraphs if p.text]
    assert left[0].text == "BỘ CÔNG AN" and left[1].text == "CÔNG AN TỈNH SƠN LA" and left[1].runs[0].bold
    assert left[-1].text == "Số: …/BC-CAT"
    assert right[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and right[0].runs[0].bold
    assert right[1].text == "Độc lập - Tự do - Hạnh phúc" and right[1].runs[0].bold
    assert "w:pBdr" in right[1]._p.xml  # the rule beneath the motto
    assert re.fullmatch(r"Sơn La, ngày \d\d tháng \d\d năm \d{4}", right[2].text) and right[2].runs[0].italic

    paragraphs = [p for p in doc.paragraphs if p.text]
    texts = [p.text for p in paragraphs]
    title = texts.index("BÁO CÁO")
    assert paragraphs[title].runs[0].bold and "mô hình tự quản về an ninh, trật tự" in texts[title + 1]
    body = [p for p in paragraphs[title + 2 :] if p.text and not p.text.startswith("PHỤ LỤC")]
    narrative = " ".join(p.text for p in body)
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY for p in body[:6])
    assert {r.font.size.pt for p in body[:6] for r in p.runs if r.font.size} == {14}
    assert "I. KẾT QUẢ THỰC HIỆN" in texts and "II. TỒN TẠI, HẠN CHẾ" in texts
    # The figures of `tuquan indicators`, in sentences like the seed articles'.
    assert f"đã xây dựng, duy trì hoạt động {format_number(figures['teams.active'])} tổ, nhóm" in narrative
    coverage = figures["coverage.villages"]
    assert f"({coverage['numerator']}/{coverage['denominator']})" in narrative
    assert f"{format_number(figures['patrols.count'])} buổi tuần tra" in narrative
    assert f"cung cấp {format_number(figures['tips.count'])} tin" in narrative
    assert f"{format_number(figures['tips.valuable'])} tin có giá trị" in narrative
    assert f"hòa giải {format_number(figures['mediations.count'])} vụ" in narrative
    assert "so với kỳ trước" in narrative
    assert f"Còn {format_number(figures['teams.weak'])} tổ, nhóm hoạt động yếu" in narrative
    assert "nhật ký hoạt động chưa đầy đủ" in narrative

    sign = doc.tables[1].rows[0].cells
    recipients = [p.text for p in sign[0].paragraphs if p.text]
    assert recipients[0] == "Nơi nhận:" and recipients[-1] == "- Lưu: VT."
    assert sign[1].paragraphs[0].text == "GIÁM ĐỐC"

    assert "PHỤ LỤC" in texts
    annex = doc.tables[2]
    rows = {r.cells[1].text: r.cells[2].text for r in annex.rows[1:]}
    assert len(rows) == len(scalar_codes(figures))
    cells = " ".join(rows.values())
    for code in scalar_codes(figures):
        if figures[code] is not None:
            assert shown(figures[code]) in cells, code
    assert rows["Số tổ, nhóm đang hoạt động"] == format_number(figures["teams.active"])
    by_child = doc.tables[3]
    assert by_child.rows[-1].cells[1].text == "Tổng cộng"
    assert by_child.rows[-1].cells[2].text == format_number(figures["teams.active"])


def test_the_pdf_renders_as_an_official_report(demo: dict[str, Any], tmp_path: Any) -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        skip_or_fail(f"WeasyPrint or pango is missing: {exc}")
    import pypdfium2 as pdfium

    path = tmp_path / "bao-cao.pdf"
    run("report", *period_args(demo), "--format", "pdf", "-o", str(path))
    pdf = pdfium.PdfDocument(str(path))
    assert len(pdf) >= 3
    first = pdf[0]
    width, height = first.get_size()
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points
    text = first.get_textpage().get_text_range()
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Số:"):
        assert part in text, part
    # Page numbers from page 2 only (the margin box's text comes last on the page).
    assert "1" not in [line.strip() for line in text.splitlines()]
    assert "2" in [line.strip() for line in pdf[1].get_textpage().get_text_range().splitlines()]
    image = first.render(scale=1).to_pil().convert("L")
    dark = sum(image.histogram()[:128])
    assert 0.01 < dark / (image.width * image.height) < 0.3  # text on a white page
    png = tmp_path / "trang-1.png"
    image.save(png)
    assert png.stat().st_size > 10_000
    pdf.close()


def last_month() -> tuple[date, date]:
    first = timezone.localdate().replace(day=1)
    end = first - timedelta(days=1)
    return end.replace(day=1), end


def test_an_issued_report_stays_byte_identical_after_new_entries_and_a_correction_names_it(
    world: Any,
) -> None:
    start, end = last_month()
    issued = services.report_issue(
        actor=world.alice,
        area=world.commune,
        start=start,
        end=end,
        number="12/BC-CAX",
        issued_on=timezone.localdate(),
        signer_name="Lèo Văn Mòn",
        signer_title="Trưởng Công an xã",
    )
    docx, pdf, figures = bytes(issued.docx), issued.pdf and bytes(issued.pdf), issued.figures_json
    before = json.loads(figures)["indicators"]["patrols.count"]
    assert (
        before
        == compute(actor=world.alice, area=world.commune, start=start, end=end)["indicators"]["patrols.count"]
    )
    journal.entry_record(
        actor=world.linh,
        team=world.team,
        village=world.village,
        kind="patrol",
        occurred_on=end,
        participants=[world.person],
        member_turns=1,
    )
    live = engine.build(actor=world.alice, area=world.commune, start=start, end=end, by=[])
    assert live["indicators"]["patrols.count"] == before + 1

    again = IssuedReport.objects.get(pk=issued.pk)
    assert bytes(again.docx) == docx and hashlib.sha256(docx).hexdigest() == again.docx_sha256
    assert (bytes(again.pdf) if again.pdf is not None else None) == pdf
    assert again.figures_json == figures
    assert hashlib.sha256(figures.encode()).hexdigest() == again.figures_sha256
    client = Client()
    client.force_login(world.alice)
    assert client.get(f"/van-ban/{issued.uid}/tai.docx").content == docx
    assert client.get(f"/van-ban/{issued.uid}/tai.json").content.decode() == figures
    with pytest.raises(PermissionError):
        again.save()

    correction = services.report_issue(
        actor=world.alice,
        area=world.commune,
        start=start,
        end=end,
        number="13/BC-CAX",
        issued_on=timezone.localdate(),
        signer_name="Lèo Văn Mòn",
        corrects=issued,
    )
    assert correction.corrects == issued
    assert json.loads(correction.figures_json)["indicators"]["patrols.count"] == before + 1
    from docx import Document

    text = " ".join(p.text for p in Document(io.BytesIO(bytes(correction.docx))).paragraphs)
    assert "Thay thế Báo cáo số 12/BC-CAX" in text
    page = client.get(f"/van-ban/{issued.uid}/").content.decode()
    assert "13/BC-CAX" in page


def test_only_those_who_approve_figures_issue_and_the_number_is_required(world: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    start, end = last_month()
    kwargs: dict[str, Any] = {
        "area": world.commune,
        "start": start,
        "end": end,
        "issued_on": timezone.localdate(),
        "signer_name": "A",
    }
    with pytest.raises(PermissionDenied):
        services.report_issue(actor=world.quang, number="1/BC", **kwargs)
    with pytest.raises(ValidationError) as exc:
        services.report_issue(actor=world.alice, number="…/BC-CAX", **kwargs)
    assert "number" in exc.value.error_dict
    client = Client()
    client.force_login(world.alice)
    response = client.post(
        "/van-ban/",
        {
            "area": "04099",
            "start": start.strftime("%d/%m/%Y"),
            "end": timezone.localdate().strftime("%d/%m/%Y"),
            "number": "5/BC-CAX",
            "issued_on": timezone.localdate().strftime("%d/%m/%Y"),
            "signer_name": "Lèo Văn Mòn",
        },
    )
    assert response.status_code == 422 and "5/BC-CAX" in response.content.decode()
    response = client.post(
        "/van-ban/",
        {
            "area": "04099",
            "start": start.strftime("%d/%m/%Y"),
            "end": end.strftime("%d/%m/%Y"),
            "number": "5/BC-CAX",
            "issued_on": timezone.localdate().strftime("%d/%m/%Y"),
            "signer_name": "Lèo Văn Mòn",
            "recipients": "Công an tỉnh Sơn La\nUBND xã",
        },
    )
    assert response.status_code == 302
    issued = IssuedReport.objects.get(number="5/BC-CAX")
    assert issued.recipients == ["Công an tỉnh Sơn La", "UBND xã"] and issued.issued_by == world.alice


def test_the_province_edits_its_template_previews_it_and_reports_use_it(world: Any) -> None:
    client = Client()
    client.force_login(world.charlie)
    body = "# I. KẾT QUẢ\nToàn tỉnh có {{ f.teams_active }} tổ, nhóm; {{ f.patrols_count }} buổi tuần tra."
    response = client.post("/mau-bao-cao/14/", {"body": body, "preview": "1"})
    assert response.status_code == 200
    assert re.search(r"Toàn tỉnh có \d+ tổ, nhóm", response.content.decode())
    response = client.post("/mau-bao-cao/14/", {"body": "{% if %}", "save": "1"})
    assert response.status_code == 422 and "{% if %}" in response.content.decode()
    assert client.post("/mau-bao-cao/14/", {"body": body, "save": "1"}).status_code == 302
    start, end = last_month()
    rendered = services.render_report(
        actor=CONSOLE, area=world.commune, start=start, end=end, formats=("docx",)
    )
    texts = [b.text for b in rendered.paper.blocks]
    patrols = rendered.report["indicators"]["patrols.count"]
    assert texts[0] == "I. KẾT QUẢ" and f"{format_number(patrols)} buổi tuần tra" in texts[1]


def test_a_draft_from_the_web_and_the_command_refusals(world: Any, tmp_path: Any) -> None:
    client = Client()
    client.force_login(world.alice)
    start, end = last_month()
    response = client.get(f"/van-ban/ban-nhap.docx?area=04099&start={start:%d/%m/%Y}&end={end:%d/%m/%Y}")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert "wordprocessingml" in response["Content-Type"]
    with pytest.raises(CommandError):
        run("report", "--area", "04099", "--from", str(start), "--to", str(end), "--format", "docx")
    with pytest.raises(CommandError):
        run(
            "report",
            "--area",
            "12",
            "--from",
            str(start),
            "--to",
            str(end),
            "--format",
            "docx",
            "-o",
            str(tmp_path / "x.docx"),
            "--as",
            "alice",
        )


def test_the_dashboard_at_360px_is_light_and_draws_charts_and_a_map(demo: dict[str, Any]) -> None:
    from tuquan.conftest import make_user
    from tuquan.core.models import Area

    province = Area.objects.get(ident="14")
    viewer = make_user("xem-tinh", "province_admin", province)
    client = Client()
    client.force_login(viewer)
    response = client.get("/tong-quan/14/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="chart"') == 5 and 'class="map"' in page and "<circle" in page
    assert 'name="viewport"' in page and "Mức độ đầy đủ" in page
    assert "Tổ, nhóm chưa có hoạt động gần đây" in page and "Tổ, nhóm hoạt động yếu" in page
    # The page and every asset it links, fetched through the app (WhiteNoise) as a phone would.
    total = first_load_bytes(client_fetch(client), "/tong-quan/14/")
    assert total < 100_000, total


def test_the_notice_is_short_plain_text_without_personal_data(world: Any) -> None:
    start, end = last_month()
    report = engine.build(actor=world.alice, area=world.commune, start=start, end=end, by=[])
    text = notice_text(report)
    assert "buổi tuần tra" in text and len(text) < 1200
    assert world.person.full_name not in text and "0977" not in text and "<" not in text
    client = Client()
    client.force_login(world.alice)
    page = client.get(f"/tong-quan/04099/thong-bao/?area=04099&start={start:%d/%m/%Y}&end={end:%d/%m/%Y}")
    assert page.status_code == 200 and "buổi tuần tra" in page.content.decode()
