# Samspår — the two commands of the README, plus helpers for developers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export SAMSPAR_DEBUG ?= 1

.PHONY: demo demo-code test lint typecheck messages serve clean bench mutation system-packages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## make system-packages: the Debian packages the demo and the tests need (Chromium, gettext,
## Pango and a font); installs the missing ones as root or with passwordless sudo, else
## stops with the one command to run. Quick when all are there.
system-packages:
	@sh scripts/system-packages.sh

## make demo: install, build the demo database (SQLite under var/) and serve it, with the
## background worker (imports) beside the web server; Ctrl-C stops both.
demo: system-packages $(STAMP)
	$(BIN)/samspar migrate --no-input -v 0
	$(BIN)/samspar demo --reset
	@echo
	@echo "Samspår is running on http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	$(BIN)/samspar worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/samspar runserver $(HOST):$(PORT) --noreload

## make demo-code WHO=coach.avesta: the demo user's current two-factor code.
demo-code: $(STAMP)
	@$(BIN)/samspar demo_code $(WHO)

## make test: install and run the whole test suite (on PostgreSQL when DATABASE_URL is set),
## one worker per core (pytest-xdist; a module's tests stay on one worker, so its shared
## fixtures are built once, and the transactional ones come last: tests/conftest.py;
## TEST_WORKERS=0 runs in one process). COVERAGE=1 adds branch coverage of samspar/ held to
## its floor ([tool.coverage.report] fail_under in pyproject.toml), as CI runs it; the
## tracer costs about half the run's time again.
TEST_WORKERS ?= auto
COVERAGE ?=
# PYTHONDONTWRITEBYTECODE is emptied: where it is set (the development machines set it)
# every process — each worker, each samspar subprocess — compiles the project and
# rewrites the tests' asserts again (collecting the suite: 9,5 s instead of 4,5 s).
test: system-packages $(STAMP)
	PYTHONDONTWRITEBYTECODE= SAMSPAR_DEBUG=0 $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder \
		$(if $(COVERAGE),--cov --cov-report=)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy samspar tests

## make messages: refresh the Swedish translation catalogue after changing texts.
messages: $(STAMP)
	cd samspar && ../$(BIN)/samspar makemessages -l sv --no-obsolete --add-location file
	cd samspar && ../$(BIN)/samspar compilemessages -l sv

clean:
	rm -rf $(VENV) var build *.egg-info

## make bench: time every report on 10 000, 100 000 and 1 000 000 generated enrolments
## in the current database (rolled back afterwards); the million takes minutes.
bench: $(STAMP)
	$(BIN)/samspar migrate --no-input -v 0
	nice -n 10 $(BIN)/samspar bench reports

## make mutation: mutation testing of the report definitions (mutmut; docs/development.md,
## "Mutation testing"; scores in docs/mutation.md); not part of .ci/run: it takes hours.
mutation: $(STAMP)
	for group in scope figures protection; do BIN=$(BIN) sh scripts/mutation.sh $$group || exit 1; done
