"""Settings for the test suite: production settings with test keys and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tuquan-tests-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# A fixed test master key (base64 of 32 bytes); never used outside the suite.
os.environ.setdefault("TUQUAN_MASTER_KEY", "dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMhISE=")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")

from tuquan.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
# django-otp delays a device after each wrong code (doubling); tests check codes back to back.
OTP_TOTP_THROTTLE_FACTOR = 0
