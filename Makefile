# The two commands: `make run` and `make test`. Only python3 and make are needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint typecheck pytest bench bench-scale bench-import bench-web messages lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base-installed: $(BIN)/python requirements/base.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.lock
	$(BIN)/pip install --quiet -r requirements/dev.lock
	touch $@

# Local try-out: embedded SQLite under var/, demo data, web server and background worker.
run: export DEBUG = 1
run: export TUQUAN_DEMO = 1
run: $(VENV)/.base-installed
	@mkdir -p var
	@$(BIN)/python -m tuquan.tryout >/dev/null  # var/tryout.env: lets .venv/bin/tuquan work here later
	$(BIN)/tuquan migrate --noinput -v 0
	$(BIN)/tuquan load-units
	$(BIN)/tuquan load-demo
	$(BIN)/tuquan serve --port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers and the selectors' rule (pyproject.toml [tool.importlinter])

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy tuquan

# Across the cores (pytest-xdist; a database per worker): PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto
pytest: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup --durations=10 $(PYTEST_ARGS)

# Lint, types, then the whole suite; SQLite unless DATABASE_URL names another database.
test: lint typecheck pytest

# Every figure, on a throwaway SQLite file, or a throwaway database on BENCH_DATABASE_URL=postgres://…
bench: $(VENV)/.dev-installed
	$(BIN)/python -m tuquan.bench

# The 100,000-household workbook alone (readers, import, export); BENCH_DATABASE_URL=postgres://… for PostgreSQL.
bench-import: $(VENV)/.dev-installed
	$(BIN)/python -m tuquan.bench import

# The report engine alone on the synthetic national dataset: BENCH_SF=1 BENCH_DATABASE_URL=postgres://…
bench-scale: $(VENV)/.dev-installed
	$(BIN)/python -m tuquan.bench scale

# The app served (gunicorn, production settings) against a bare Django app, loopback only,
# about a minute: BENCH_DATABASE_URL=postgres://… for PostgreSQL (docs/performance.md).
bench-web: $(VENV)/.dev-installed
	$(BIN)/python -m tuquan.bench_web

messages: $(VENV)/.dev-installed
	cd tuquan && ../$(BIN)/tuquan makemessages -l en --no-obsolete --add-location file && ../$(BIN)/tuquan compilemessages -l en

# Re-pin dependencies after a change in pyproject.toml.
lock:
	rm -rf /tmp/tuquan-lock && $(PYTHON) -m venv /tmp/tuquan-lock
	/tmp/tuquan-lock/bin/pip install --quiet .
	/tmp/tuquan-lock/bin/pip freeze --exclude tuquan > requirements/base.lock
	/tmp/tuquan-lock/bin/pip install --quiet '.[dev]'
	/tmp/tuquan-lock/bin/pip freeze --exclude tuquan > requirements/dev.lock

clean:
	rm -rf $(VENV) var/static
