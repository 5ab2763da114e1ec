"""Every write of the documents app: the province's narrative template and issued reports.
Drafts are not stored but their export is audited."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.actors import acting_user
from tuquan.core.actors import Actor
from tuquan.core.models import Area, AuditAction
from tuquan.core.services import audit_record
from tuquan.documents import narrative, permissions, selectors
from tuquan.documents.models import IssuedReport, ReportTemplate
from tuquan.documents.official import Heading, compose
from tuquan.documents.paper import Paper, PdfUnavailable, docx_bytes, pdf_bytes
from tuquan.reports import engine

FORMATS = ("docx", "pdf")


@dataclass
class Rendered:
    paper: Paper
    report: dict[str, Any]
    docx: bytes
    pdf: bytes | None


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError({"end": _("Ngày cuối kỳ trước ngày đầu kỳ.")})
    if end >= timezone.localdate():
        raise ValidationError({"end": _("Kỳ báo cáo chưa kết thúc.")})


def render_report(
    *,
    actor: Actor,
    area: Area,
    start: date,
    end: date,
    heading: Heading | None = None,
    formats: tuple[str, ...] = FORMATS,
    draft: bool = False,
    template: str | None = None,
) -> Rendered:
    """Figures from the engine (by child area, with comparisons), narrative from the
    province's template, written to the asked formats."""
    report = engine.build(actor=actor, area=area, start=start, end=end, by=["child"])
    idle = selectors.idle_teams(actor, area, start, end).count()
    paper = compose(
        area=area,
        report=report,
        template=template if template is not None else selectors.template_text(area),
        heading=heading or Heading(),
        today=timezone.localdate(),
        idle_teams=idle,
        draft=draft,
    )
    return Rendered(
        paper=paper,
        report=report,
        docx=docx_bytes(paper) if "docx" in formats else b"",
        pdf=pdf_bytes(paper) if "pdf" in formats else None,
    )


def report_preview(*, actor: Actor, area: Area, start: date, end: date) -> Paper:
    """The draft read on screen before issuing: the same text and tables as the Word and PDF
    drafts (one `Paper`), written to no file (so, like the dashboard, not an export)."""
    _check_period(start, end)
    return render_report(actor=actor, area=area, start=start, end=end, formats=(), draft=True).paper


def report_draft(*, actor: Actor, area: Area, start: date, end: date, fmt: str) -> bytes:
    """A draft (not issued, marked DỰ THẢO) to read or edit before issuing."""
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Định dạng không hỗ trợ.")})
    _check_period(start, end)
    rendered = render_report(actor=actor, area=area, start=start, end=end, formats=(fmt,), draft=True)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        area=area,
        object_type="documents.draft",
        label=f"{fmt} {start}–{end}",
    )
    return rendered.docx if fmt == "docx" else bytes(rendered.pdf or b"")


def report_issue(
    *,
    actor: Actor,
    area: Area,
    start: date,
    end: date,
    number: str,
    issued_on: date,
    signer_name: str,
    signer_title: str = "",
    subject: str = "",
    recipients: list[str] | None = None,
    corrects: IssuedReport | None = None,
) -> IssuedReport:
    """Issue a report: the file and the figures are stored once, as issued, and never
    regenerated. A correction is a new report naming the one it corrects."""
    if not permissions.can_issue_report(actor, area):
        raise PermissionDenied(_("Bạn không có quyền ban hành báo cáo của địa bàn này."))
    _check_period(start, end)
    number = " ".join((number or "").split())
    if not number or "…" in number:
        raise ValidationError({"number": _("Cần số, ký hiệu văn bản (vd. 125/BC-CAT).")})
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("Ngày ban hành không được sau hôm nay.")})
    if not (signer_name or "").strip():
        raise ValidationError({"signer_name": _("Cần họ tên người ký.")})
    if corrects is not None and corrects.area_id != area.pk:
        raise ValidationError({"corrects": _("Báo cáo được đính chính phải cùng địa bàn.")})
    heading = Heading(
        number=number,
        issued_on=issued_on,
        subject=subject.strip(),
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        recipients=[r.strip() for r in recipients or [] if r.strip()],
        corrects=f"Báo cáo số {corrects.number} ngày {corrects.issued_on:%d/%m/%Y}" if corrects else "",
    )
    try:
        rendered = render_report(actor=actor, area=area, start=start, end=end, heading=heading)
    except PdfUnavailable:
        rendered = render_report(
            actor=actor, area=area, start=start, end=end, heading=heading, formats=("docx",)
        )
    figures = json.dumps(rendered.report, ensure_ascii=False, sort_keys=True)
    paper = rendered.paper
    with transaction.atomic():
        issued = IssuedReport(
            area=area,
            start=start,
            end=end,
            number=number,
            issued_on=issued_on,
            subject=paper.subject,
            issuing_body=paper.issuing_body,
            signer_name=paper.signer_name,
            signer_title=paper.signer_title,
            recipients=paper.recipients,
            corrects=corrects,
            figures_json=figures,
            figures_sha256=hashlib.sha256(figures.encode()).hexdigest(),
            docx=rendered.docx,
            docx_sha256=hashlib.sha256(rendered.docx).hexdigest(),
            pdf=rendered.pdf,
            pdf_sha256=hashlib.sha256(rendered.pdf).hexdigest() if rendered.pdf else "",
            issued_by=acting_user(actor),
        )
        issued.full_clean()
        issued.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=issued,
            area=area,
            label=f"{number} {start}–{end}",
            details={"corrects": str(corrects.uid) if corrects else "", "docx_sha256": issued.docx_sha256},
        )
    return issued


def report_template_save(*, actor: Actor, province: Area, body: str) -> ReportTemplate:
    if not permissions.can_edit_template(actor, province):
        raise PermissionDenied(_("Chỉ quản trị tỉnh được sửa mẫu báo cáo."))
    body = (body or "").replace("\r\n", "\n").strip() + "\n"
    narrative.check_template(body)
    with transaction.atomic():
        found = ReportTemplate.objects.filter(province=province).first() or ReportTemplate(province=province)
        found.body = body
        found.updated_by = acting_user(actor)
        found.full_clean()
        found.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=found, area=province, label="mẫu báo cáo")
    return found
