from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from samspar.access.scoping import Role
from tests.factories import make_forbund, make_insats, make_user


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language (Swedish): a page requested in English
    leaves English active in the thread, which must not leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)


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
