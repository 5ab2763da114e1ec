"""A bare Django app, the floor `make bench-web` measures the project against
(tuquan/bench_web.py): one insert view and one JSON view, no middleware, the project's own
database settings, served by gunicorn exactly as `tuquan serve` serves the project."""
