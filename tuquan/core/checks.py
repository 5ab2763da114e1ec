"""Deployment checks of our own, run by `tuquan check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def master_key_configured(app_configs: Any, **kwargs: Any) -> list[Error]:
    from django.core.exceptions import ImproperlyConfigured

    from tuquan.core import crypto

    try:
        crypto.master_key()
    except ImproperlyConfigured as exc:
        return [Error(f"Field encryption has no usable master key: {exc}", id="tuquan.E001")]
    if settings.DEMO:
        return [Error("TUQUAN_DEMO is on: demo accounts with a public password.", id="tuquan.E002")]
    return []


@register(Tags.security, deploy=True)
def no_tryout_file(app_configs: Any, **kwargs: Any) -> list[Error]:
    from tuquan import tryout

    file = tryout.path()
    if file.exists():
        return [
            Error(
                f"The local try-out's settings file {file} exists: `tuquan` turns DEBUG and the demo "
                "on from it whenever SECRET_KEY and DATABASE_URL are missing from the environment.",
                hint="Remove it on a server (it is written by `make run`), or set TUQUAN_VAR_DIR elsewhere.",
                id="tuquan.E003",
            )
        ]
    return []
