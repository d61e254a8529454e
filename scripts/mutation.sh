#!/bin/sh
# Mutation testing (docs/development.md, "Mutation testing"): mutmut copies samspar/ to
# mutants/, mutates the modules of pyproject.toml's [tool.mutmut] only_mutate, and runs
# per mutant only the selected tests that reach the mutated function. Not part of .ci/run.
# Arguments go to `mutmut run` (e.g. one mutant's name to run it again).
set -eu
bin="${BIN:-.venv/bin}"
cd "$(dirname "$0")/.."
# One SQLite test database for the run, migrated once and reused by every mutant
# (samspar/test_settings.py); one mutant at a time, as they share it.
db="${TMPDIR:-/tmp}/samspar-mutation-$(id -u).sqlite3"
rm -f "$db"
export SAMSPAR_TEST_DATABASE="$db" CI=true
"$bin"/mutmut run --max-children 1 "$@"
"$bin"/mutmut results --all true
