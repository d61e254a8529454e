"""Settings for the test suite: fixed development keys and fast password hashing."""

import os

os.environ.setdefault("SAMSPAR_TESTING", "1")

from samspar.settings import *  # noqa: F403

# The live-server thread of the browser test must not keep a connection that would
# block dropping the test database on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Mutation runs (scripts/mutation.sh) keep one test database file for all their mutants
# (pytest --reuse-db) instead of migrating a new in-memory one for each.
if os.environ.get("SAMSPAR_TEST_DATABASE"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SAMSPAR_TEST_DATABASE"]}  # noqa: F405
