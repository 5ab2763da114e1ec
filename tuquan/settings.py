"""Settings read from the environment, with production as the default.

A deployment sets SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS and the master key; nothing
else is required. `make run` sets DEBUG=1 and TUQUAN_DEMO=1 for a local try-out.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tuquan import tryout

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = tryout.var_dir()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Demo accounts use a published password: they may only ever exist on a machine that
# asked for them explicitly, never under production settings.
DEMO = env_bool("TUQUAN_DEMO") and DEBUG

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "tuquan-development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tuquan.sqlite3'}",
        # Persistent connections in production (a new PostgreSQL connection per request cost
        # more than most pages), checked before each request reuses one.
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never wait for the writer. IMMEDIATE: a transaction takes the write lock
    # when it begins, where the busy timeout queues it behind the other writers; a deferred
    # one upgraded its read lock mid-transaction and failed at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # How long a writer waits for the lock: above the write phase of any import a
            # commune sends (150,000 rows wrote in 18 s here), below gunicorn's 120 s.
            "timeout": int(os.environ.get("TUQUAN_SQLITE_TIMEOUT", "60")),
            "transaction_mode": "IMMEDIATE",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Report queries are many short grouped reads: compiling them (JIT) cost more than it
    # saved at national scale (docs/decisions.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    "tuquan.core",
    "tuquan.accounts",
    "tuquan.registry",
    "tuquan.journal",
    "tuquan.reports",
    "tuquan.documents",
    "tuquan.tips",
    "tuquan.care",
    "tuquan.assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # assets leave precompressed, before the next
    # Pages and JSON gzip-compressed, except the answers showing a secret (core/compression.py,
    # BREACH in docs/security.md); outside every middleware that reads or rewrites a body.
    "tuquan.core.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuquan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tuquan.core.input_guard.InputGuardMiddleware",  # limits and control characters, before any view
    "csp.middleware.CSPMiddleware",
    "tuquan.core.middleware.BusyDatabaseMiddleware",
    "tuquan.core.middleware.ApiErrorShapeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Request limits (core/input_guard.py, docs/security.md): forms and JSON, and file uploads.
TUQUAN_MAX_BODY_MB = int(os.environ.get("TUQUAN_MAX_BODY_MB", "2"))
TUQUAN_MAX_UPLOAD_MB = int(os.environ.get("TUQUAN_MAX_UPLOAD_MB", "64"))
DATA_UPLOAD_MAX_MEMORY_SIZE = TUQUAN_MAX_BODY_MB * 1024 * 1024

# Content security policy (django-csp): scripts, styles and everything else from this site
# only; no inline script, style or handler, no eval (htmx: allowEval false, its indicator
# styles in tuquan.css). Pages are never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "tuquan.urls"
WSGI_APPLICATION = "tuquan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuquan.core.context_processors.ui",
            ],
            "builtins": ["tuquan.core.templatetags.tuquan"],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout is per username, not per address: a whole commune office often shares one public
# address, and one careless colleague must not lock everyone out.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins go to our audit log, without addresses
AXES_LOCKOUT_CALLABLE = "tuquan.accounts.views.lockout_response"
AXES_VERBOSE = False
# axes.W006 warns that locking by username alone ignores the address. That is the choice
# above: the count follows the account whatever address or browser the guesses come from.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "Tự Quản"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tuquan.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Thousand separators are applied by the `so` and `vnd` filters, not globally: a global
# USE_THOUSAND_SEPARATOR would also print ids inside URLs and form values as "1.234".
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The project's own assets (stylesheet, vendored scripts) live beside the templates, not in
# an app: the finders (make run) and collectstatic (production) find them through this.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Field encryption: the master key wraps the data keys stored in the database. It comes from
# the environment (base64, 32 bytes) or a key file readable only by the service account.
TUQUAN_MASTER_KEY = os.environ.get("TUQUAN_MASTER_KEY", "")
TUQUAN_MASTER_KEY_FILE = os.environ.get(
    "TUQUAN_MASTER_KEY_FILE", str(VAR_DIR / "master.key") if DEBUG else ""
)
# Only a development machine may create its own key file on first use.
TUQUAN_MASTER_KEY_AUTOCREATE = DEBUG
# A background worker silent this long is dead: its tasks are retried or failed (core/jobs.py).
TUQUAN_JOB_LEASE = int(os.environ.get("TUQUAN_JOB_LEASE", "120"))

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
# Django's default, stated because compression relies on it (core/compression.py): another
# site's requests carry no session, so it cannot make a signed-in browser fetch pages in bulk.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The tip line (tuquan.tips, see docs/security.md). The receipt codes' keyed hash uses
# TUQUAN_TIP_SECRET, or a key derived from SECRET_KEY when it is unset; limits are per hour.
TUQUAN_TIP_SECRET = os.environ.get("TUQUAN_TIP_SECRET", "")
TUQUAN_TIP_LIMIT_COMMUNE_HOUR = int(os.environ.get("TUQUAN_TIP_LIMIT_COMMUNE_HOUR", "30"))
TUQUAN_TIP_LIMIT_GLOBAL_HOUR = int(os.environ.get("TUQUAN_TIP_LIMIT_GLOBAL_HOUR", "300"))
TUQUAN_TIP_LOOKUP_FAILURES_HOUR = int(os.environ.get("TUQUAN_TIP_LOOKUP_FAILURES_HOUR", "300"))
TUQUAN_TIP_LOOKUP_PREFIX_FAILURES_HOUR = int(os.environ.get("TUQUAN_TIP_LOOKUP_PREFIX_FAILURES_HOUR", "10"))
TUQUAN_TIP_RETENTION_DAYS = int(os.environ.get("TUQUAN_TIP_RETENTION_DAYS", "365"))
TUQUAN_TIP_PURGE_WARNING_DAYS = int(os.environ.get("TUQUAN_TIP_PURGE_WARNING_DAYS", "14"))
TUQUAN_TIP_CHANNELS = env_list("TUQUAN_TIP_CHANNELS", "email,log")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tuquan@localhost")

# No request line, address or user agent is logged: the tip line's promise of anonymity
# depends on it, and officers' personal data has no place in logs either.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "axes": {"handlers": [], "level": "CRITICAL", "propagate": False},
        # Pillow logs every EXIF tag it reads at DEBUG, GPS position included (tip photos).
        "PIL": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
