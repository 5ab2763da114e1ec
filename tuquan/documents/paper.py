"""The official report as a document (Decree 30/2020/NĐ-CP), written to .docx (python-docx)
and PDF (WeasyPrint, HTML → PDF): one `Paper` describes both, so they carry the same text."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from tuquan.core.templatetags.tuquan import format_number
from tuquan.documents.narrative import Block, fraction, percent
from tuquan.reports.display import extra_labels
from tuquan.reports.io import label, scalar_codes

FONT = "Times New Roman"
# Key figures shown per child area in the second annex table.
CHILD_CODES = [
    "teams.active",
    "teams.members",
    "coverage.villages",
    "patrols.count",
    "tips.count",
    "mediations.count",
    "reporting.completeness",
]


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Paper:
    parent_body: str
    issuing_body: str
    number: str
    place: str
    issued_on: date
    subject: str
    blocks: list[Block]
    recipients: list[str]
    signer_title: str
    signer_name: str
    tables: list[Table] = field(default_factory=list)
    corrects: str = ""
    draft: bool = False

    @property
    def date_line(self) -> str:
        d = self.issued_on
        return f"{self.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}"

    @property
    def recipient_lines(self) -> list[str]:
        lines = [f"- {r.strip().rstrip(';.')};" for r in self.recipients if r.strip() and "Lưu" not in r]
        return [*lines, "- Lưu: VT."]


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return f"{percent(value)} ({fraction(value)})" if value.get("denominator") else "—"
    if isinstance(value, str):
        return format_number(value)
    return format_number(value)


def name_of(code: str, extras: dict[str, str]) -> str:
    return extras.get(code) or label(code).rsplit(" (", 1)[0]


def annex_tables(report: dict[str, Any]) -> list[Table]:
    figures = report["indicators"]
    extras = extra_labels()
    previous = report.get("comparison", {}).get("previous", {}).get("indicators", {})
    year = report.get("comparison", {}).get("year_before", {}).get("indicators", {})
    rows = [
        [
            str(i),
            name_of(code, extras),
            show(figures[code]),
            show(previous.get(code)),
            show(year.get(code)),
        ]
        for i, code in enumerate(scalar_codes(figures), start=1)
    ]
    tables = [
        Table(
            "Biểu 1. Số liệu tổng hợp",
            ["STT", "Chỉ tiêu", "Kỳ báo cáo", "Kỳ trước", "Cùng kỳ năm trước"],
            rows,
        )
    ]
    children = report.get("breakdowns", {}).get("child") or {}
    if children:
        codes = [c for c in CHILD_CODES if c in figures]
        child_rows = [
            [str(i), report.get("labels", {}).get(ident, ident), *[show(values.get(c)) for c in codes]]
            for i, (ident, values) in enumerate(children.items(), start=1)
        ]
        child_rows.append(["", "Tổng cộng", *[show(figures.get(c)) for c in codes]])
        tables.append(
            Table(
                "Biểu 2. Số liệu theo đơn vị trực thuộc",
                ["STT", "Đơn vị", *[label(c).rsplit(" (", 1)[0] for c in codes]],
                child_rows,
            )
        )
    return tables


# --- .docx ------------------------------------------------------------------------------

# Children of w:pPr that must follow w:pBdr (the schema fixes their order).
_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _rule(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.insert_element_before(border, *_AFTER_PBDR)


def _page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _line(
    cell_or_doc: Any,
    text: str,
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: str = "center",
    first: bool = False,
    before: float = 0,
    after: float = 0,
    indent: float = 0,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    p.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(indent)
    if text:
        run = p.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    return p


def _cell_width(table: Any, widths: list[float]) -> None:
    from docx.shared import Cm

    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Cm(width)


def docx_bytes(paper: Paper) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    rpr.get_or_add_rFonts().set(qn("w:cs"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    doc.core_properties.title = f"Báo cáo {paper.subject}"
    doc.core_properties.author = paper.issuing_body
    doc.core_properties.language = "vi-VN"

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    # Page numbers: centred at the top, from page 2 (the first page has its own empty header).
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    for run in number.runs:
        run.font.size = Pt(13)

    head = doc.add_table(rows=1, cols=2)
    _cell_width(head, [6.3, 10.2])
    left, right = head.rows[0].cells
    first = True
    if paper.parent_body:
        _line(left, paper.parent_body.upper(), size=13, first=True)
        first = False
    body = _line(left, paper.issuing_body.upper(), size=13, bold=True, first=first)
    body.paragraph_format.left_indent = body.paragraph_format.right_indent = Cm(0.3)
    rule = _line(left, "", size=4)
    rule.paragraph_format.left_indent = rule.paragraph_format.right_indent = Cm(2.0)
    _rule(rule)
    _line(left, paper.number_line, size=13, before=6)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, first=True)
    motto = _line(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    motto.paragraph_format.left_indent = motto.paragraph_format.right_indent = Cm(1.7)
    _rule(motto)
    _line(right, paper.date_line, size=14, italic=True, before=8)

    if paper.draft:
        _line(doc, "DỰ THẢO", size=13, bold=True, before=6)
    _line(doc, "BÁO CÁO", size=14, bold=True, before=18)
    _line(doc, paper.subject, size=14, bold=True)
    if paper.corrects:
        _line(doc, f"(Thay thế {paper.corrects})", size=14, italic=True)
    subject_rule = _line(doc, "", size=4)
    subject_rule.paragraph_format.left_indent = subject_rule.paragraph_format.right_indent = Cm(5.5)
    _rule(subject_rule)
    _line(doc, "", size=8, after=6)

    for block in paper.blocks:
        p = _line(
            doc,
            block.text,
            size=14,
            bold=block.kind == "heading",
            align="justify",
            indent=1.0,
            before=6 if block.kind == "heading" else 0,
            after=6,
        )
        p.paragraph_format.line_spacing = 1.15

    _line(doc, "", size=8, after=6)
    sign = doc.add_table(rows=1, cols=2)
    _cell_width(sign, [8.0, 8.5])
    left, right = sign.rows[0].cells
    _line(left, "Nơi nhận:", size=12, bold=True, italic=True, align="left", first=True)
    for line in paper.recipient_lines:
        _line(left, line, size=11, align="left")
    _line(right, paper.signer_title.upper(), size=14, bold=True, first=True)
    _line(right, "(Ký, ghi rõ họ tên, đóng dấu)", size=12, italic=True)
    _line(right, "", size=14, after=60)
    _line(right, paper.signer_name, size=14, bold=True)

    if paper.tables:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _line(doc, "PHỤ LỤC", size=14, bold=True)
        _line(
            doc, f"(Kèm theo Báo cáo số {paper.number} ngày {paper.issued_on:%d/%m/%Y})", size=13, italic=True
        )
        for table in paper.tables:
            _line(doc, table.caption, size=13, bold=True, align="left", before=12, after=4)
            grid = doc.add_table(rows=1, cols=len(table.header))
            grid.style = doc.styles["Table Grid"]
            for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
                _line(cell, text, size=11, bold=True, first=True)
            for row in table.rows:
                cells = grid.add_row().cells
                for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
                    _line(cell, text, size=11, first=True, align="left" if i == 1 else "center")
            if len(table.header) == 5:
                _cell_width(grid, [1.1, 7.4, 2.7, 2.6, 2.7])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system library (pango) is missing."""


def html(paper: Paper) -> str:
    return render_to_string("documents/paper.html", {"paper": paper})


def pdf_bytes(paper: Paper) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: libpango not installed
        raise PdfUnavailable(str(exc)) from exc
    return bytes(HTML(string=html(paper)).write_pdf())
