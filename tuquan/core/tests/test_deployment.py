"""Production settings, the console script, and background jobs."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuquan.core import crypto


def tuquan(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tuquan.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    return keep | {
        "DJANGO_SETTINGS_MODULE": "tuquan.settings",
        "SECRET_KEY": "p" * 10 + crypto.generate_key_text() * 2,
        "ALLOWED_HOSTS": "tuquan.congan.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "TUQUAN_MASTER_KEY": crypto.generate_key_text(),
        "TUQUAN_VAR_DIR": str(tmp_path),
    }


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = tuquan(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = tuquan("check", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_check_deploy_reports_a_missing_master_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["TUQUAN_MASTER_KEY"]
    result = tuquan("check", "--deploy", env=env, cwd=tmp_path)
    assert result.returncode != 0 and "tuquan.E001" in result.stderr


def test_demo_data_is_never_loaded_under_production_settings(tmp_path: Path) -> None:
    env = production_env(tmp_path) | {"TUQUAN_DEMO": "1"}
    assert tuquan("migrate", "-v0", env=env, cwd=tmp_path).returncode == 0
    result = tuquan("load-demo", env=env, cwd=tmp_path)
    assert result.returncode == 1 and "DEBUG=1" in result.stderr


# The worker commits and closes connections as it would in production, so this test runs
# outside the per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_background_jobs_are_stored_and_run_by_the_worker() -> None:
    from django_tasks_db.models import DBTaskResult

    from tuquan.accounts.models import ApiToken, User
    from tuquan.accounts.tasks import credentials_purge_expired

    alice = User.objects.create(username="alice")
    ApiToken.objects.create(user=alice, digest="x" * 64, expires_at=timezone.now() - timedelta(1))
    result = credentials_purge_expired.enqueue()
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "SUCCESSFUL" and stored.return_value == {"tokens": 1, "codes": 0}
    assert not ApiToken.objects.exists()


def tryout_env(tmp_path: Path) -> dict[str, str]:
    """A `make run` checkout: its data directory holds tryout.env; nothing else is set."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    env = keep | {"TUQUAN_VAR_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "tuquan.tryout"], env=env, check=True, capture_output=True)
    return env


SHOW_SETTINGS = (
    "from django.conf import settings; print(settings.DEBUG, settings.DEMO, settings.SECRET_KEY[:7])"
)


def test_the_command_works_in_a_tryout_checkout_with_nothing_in_the_environment(tmp_path: Path) -> None:
    result = tuquan("shell", "-c", SHOW_SETTINGS, env=tryout_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # A key generated for this checkout, not the published development one.
    assert result.stdout.split()[-3:] == ["True", "True", "tryout-"]
    assert (tmp_path / "tryout.env").stat().st_mode & 0o077 == 0


def test_a_secret_key_in_the_environment_means_a_deployment_and_the_tryout_file_is_ignored(
    tmp_path: Path,
) -> None:
    env = tryout_env(tmp_path) | {"SECRET_KEY": "k" * 50}
    result = tuquan("shell", "-c", SHOW_SETTINGS, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["False", "False", "kkkkkkk"]


def test_a_database_url_alone_never_turns_debug_on_from_the_tryout_file(tmp_path: Path) -> None:
    env = tryout_env(tmp_path) | {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    result = tuquan("check", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "SECRET_KEY" in result.stderr


def test_check_deploy_fails_while_a_tryout_file_exists(tmp_path: Path) -> None:
    tryout_env(tmp_path)
    result = tuquan("check", "--deploy", env=production_env(tmp_path), cwd=tmp_path)
    assert result.returncode != 0 and "tuquan.E003" in result.stderr
