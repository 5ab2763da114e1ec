"""The accounts' background work (django-tasks, stored in the database by django-tasks-db):
expired API tokens and one-time codes are deleted, not left to pile up. (It lived in
core/tasks.py, below the accounts it deletes; each app keeps its own jobs.)"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from tuquan.accounts.models import ApiToken, ResetCode


@task()
def credentials_purge_expired() -> dict[str, int]:
    now = timezone.now()
    tokens, _ = ApiToken.objects.filter(expires_at__lte=now).delete()
    codes, _ = ResetCode.objects.filter(expires_at__lte=now - timedelta(days=30)).delete()
    return {"tokens": tokens, "codes": codes}
