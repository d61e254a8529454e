#!/bin/sh
# Mutation testing (docs/development.md, "Mutation testing"): mutmut copies samspar/ to
# mutants/, mutates the modules of pyproject.toml's [tool.mutmut] only_mutate, and runs
# per mutant only the selected tests that reach the mutated function. Not part of .ci/run.
# Arguments go to `mutmut run` (e.g. one mutant's name to run it again), after an optional
# first one naming a group of modules:
#   figures     the figure selectors, with the tests that pin figures: the suppression
#               tests, which pin suppression.py and protection.py and take 3–18 s each,
#               are left out (a surviving mutant runs every test that reaches it);
#   scope       scope.py and populations.py, likewise;
#   protection  suppression.py and protection.py, with every test.
set -eu
suppression_tests="tests/test_suppression.py tests/test_suppression_cost.py
tests/test_suppression_perturbed.py tests/test_counts_suppressed.py tests/test_cellkey.py"
case "${1:-}" in
figures | scope)
    if [ "$1" = figures ]; then
        shift
        set -- 'samspar.reports.figures.*' "$@"
    else
        shift
        set -- 'samspar.reports.scope.*' 'samspar.reports.populations.*' "$@"
    fi
    for t in $suppression_tests; do PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --deselect $t"; done
    export PYTEST_ADDOPTS
    ;;
protection)
    shift
    set -- 'samspar.reports.suppression.*' 'samspar.reports.protection.*' "$@"
    ;;
esac
bin="${BIN:-.venv/bin}"
cd "$(dirname "$0")/.."
# One SQLite test database for the run, migrated once and reused by every mutant
# (samspar/test_settings.py); one mutant at a time, as they share it.
db="${TMPDIR:-/tmp}/samspar-mutation-$(id -u).sqlite3"
rm -f "$db"
export SAMSPAR_TEST_DATABASE="$db" CI=true
"$bin"/mutmut run --max-children 1 "$@"
"$bin"/mutmut results --all true
