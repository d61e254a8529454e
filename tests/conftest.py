from __future__ import annotations

import pytest

from samspar.access.scoping import Role
from tests.factories import make_forbund, make_insats, make_user


@pytest.fixture
def forbund(db):
    return make_forbund()


@pytest.fixture
def insats(forbund):
    return make_insats(forbund)


@pytest.fixture
def registrator(insats):
    return make_user("coach", Role.REGISTRATOR, insats=insats)


@pytest.fixture
def manager(insats):
    return make_user("chef", Role.INSATS_MANAGER, insats=insats)


@pytest.fixture
def forbund_admin(forbund):
    return make_user("analytiker", Role.FORBUND_ADMIN, forbund=forbund)


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """The live server, started after (so stopped before) the test database goes away."""
    return live_server
