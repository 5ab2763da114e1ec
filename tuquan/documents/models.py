"""The official report (Decree 30/2020/NĐ-CP): the province's editable narrative template
and the reports issued, kept exactly as issued."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.models import Area


class ReportTemplate(models.Model):
    """A province's narrative: Django-template text whose sentences state the figures.
    Without one the built-in default (`narrative.DEFAULT_TEMPLATE`) is used."""

    province = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("nội dung mẫu"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mẫu báo cáo")

    def __str__(self) -> str:
        return f"{self.province_id}"


class IssuedReport(models.Model):
    """A report as issued: its number, date, signer, period, the file bytes and the figures
    it carried. Never changed afterwards; a correction is a new report naming this one."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    subject = models.CharField(_("trích yếu"), max_length=300)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    signer_name = models.CharField(_("người ký"), max_length=150)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=150)
    recipients = models.JSONField(_("nơi nhận"), default=list)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("đính chính báo cáo"),
    )
    # The figures exactly as serialised when issued (a text column: jsonb would reorder keys).
    figures_json = models.TextField()
    figures_sha256 = models.CharField(max_length=64)
    docx = models.BinaryField()
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-issued_on", "-created_at"]
        verbose_name = _("báo cáo đã ban hành")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["area", "number"], name="documents_issued_area_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.area_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("An issued report is never changed: issue a correction.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("An issued report is never deleted.")
