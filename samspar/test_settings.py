"""Settings for the test suite: fixed development keys and fast password hashing."""

import os

os.environ.setdefault("SAMSPAR_TESTING", "1")

from samspar.settings import *  # noqa: F403

# The live-server thread of the browser test must not keep a connection that would
# block dropping the test database on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
