from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.models import Area


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tính")
    READY = "ready", _("Đã sẵn sàng")
    FAILED = "failed", _("Lỗi")


class ReportJob(models.Model):
    """A report asked from the web: computed at once when small, by the worker when large."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField()
    by = models.JSONField(default=list)
    approved_only = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    result = models.JSONField(null=True, blank=True)
    workbook = models.BinaryField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.area_id} {self.start}–{self.end} ({self.status})"
