"""Settings for the test suite: fixed development keys and fast password hashing."""

import os

os.environ.setdefault("SAMSPAR_TESTING", "1")

from samspar.settings import *  # noqa: F403
