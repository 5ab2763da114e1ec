"""Only what Django needs to answer: the project's database (same engine, same persistent
connections, same SQLite pragmas), its secret key and hosts; no app, no middleware."""

from tuquan.settings import ALLOWED_HOSTS, DATABASES, SECRET_KEY

__all__ = ["ALLOWED_HOSTS", "DATABASES", "SECRET_KEY"]

DEBUG = False
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "tuquan.bench_bare.urls"
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
