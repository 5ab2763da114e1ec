"""The `tuquan` console script: Django's management commands under one name.

`tuquan load-units` is `manage.py load_units`: command modules use underscores (they are
Python modules), people type hyphens.
"""

from __future__ import annotations

import os
import sys

from tuquan import tryout


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    # In a `make run` checkout, its settings file (DEBUG, demo, generated key); never when the
    # environment names a deployment (tuquan/tryout.py).
    tryout.apply()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # A deployment missing a setting gets one clear line, not a traceback.
        sys.stderr.write(f"tuquan: cấu hình chưa đủ: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
