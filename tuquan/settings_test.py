"""Settings for the test suite: production settings with test keys and fast hashing.

Static files are served as in production: collected (tuquan/conftest.py runs collectstatic
once per test process into its own STATIC_ROOT) into the compressed manifest storage and
served by WhiteNoise, never by the finders. A template naming a missing asset fails its test
as it would answer 500 in production.
"""

import hashlib
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tuquan-tests-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# A fixed test master key (base64 of 32 bytes); never used outside the suite.
os.environ.setdefault("TUQUAN_MASTER_KEY", "dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE=")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")

from tuquan.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _static_fingerprint() -> str:
    """Our assets' contents and the versions of the packages that bring theirs."""
    digest = hashlib.sha256()
    for path in sorted((PACKAGE_DIR / "static").rglob("*")):  # noqa: F405
        if path.is_file():
            digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())  # noqa: F405
    for package in ("Django", "django-ninja", "django-otp", "whitenoise"):
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()[:16]


# Collected once for these exact assets (compressing django-ninja's API documentation bundles
# takes about 15 s) and shared by every test process and run; tuquan.testing.journey collects
# under a lock when the manifest is missing.
STATIC_ROOT = Path(tempfile.gettempdir()) / f"tuquan-test-static-{_static_fingerprint()}"
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
# django-otp delays a device after each wrong code (doubling); tests check codes back to back.
OTP_TOTP_THROTTLE_FACTOR = 0
