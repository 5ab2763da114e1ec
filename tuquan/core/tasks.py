"""Background work (django-tasks, stored in the database by django-tasks-db).

Later issues put their long jobs here (large reports, imports). The foundation's own job
is housekeeping: expired API tokens and one-time codes are deleted, not left to pile up.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task


@task()
def credentials_purge_expired() -> dict[str, int]:
    from tuquan.accounts.models import ApiToken, ResetCode

    now = timezone.now()
    tokens, _ = ApiToken.objects.filter(expires_at__lte=now).delete()
    codes, _ = ResetCode.objects.filter(expires_at__lte=now - timedelta(days=30)).delete()
    return {"tokens": tokens, "codes": codes}
