"""The access app is the floor the other apps stand on: it imports none of them.

``access.scoping`` used to import ``organisation.models.Insats`` inside ``can`` while
``organisation.models`` imports ``access.querysets`` — a cycle hidden by a function-level
import. ``can`` now asks the user's role assignments directly; this test keeps any
import of an app above out of ``samspar/access`` (type-only imports excepted), and
checks that ``can`` and ``restrict`` still agree on every user, insats and action.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User

from samspar.access.scoping import Action, can
from samspar.organisation.models import Insats
from tests.small_world import World
from tests.url_walk import module_world

ACCESS = Path(__file__).resolve().parent.parent / "samspar" / "access"
BELOW_ACCESS = ("samspar.access", "samspar.core", "samspar.codelists")


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Every module imported outside ``if TYPE_CHECKING:`` blocks, at any depth."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        for inner in ast.iter_child_nodes(node):
            visit(inner)

    visit(tree)
    return found


@pytest.mark.parametrize("path", sorted(ACCESS.rglob("*.py")), ids=lambda p: p.name)
def test_access_imports_no_app_above_it(path):
    imports = _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
    above = [m for m in imports if m.startswith("samspar.") and not m.startswith(BELOW_ACCESS)]
    assert not above, f"{path.name} imports {above}"


world_built = pytest.fixture(scope="module")(module_world)


def test_can_agrees_with_restrict(world_built: World, db):
    w = world_built
    inactive = User.objects.get(pk=w.a.users["board"].pk)
    inactive.is_active = False  # an inactive user may do nothing
    people = {u.pk: u for side in (w.a, w.b) for u in side.users.values()}
    users: list[User | AnonymousUser] = [AnonymousUser(), inactive, *people.values()]
    for user in users:
        for action in Action:
            allowed = set(Insats.objects.restrict(user, action).values_list("pk", flat=True))
            for insats in Insats.objects.all():
                assert can(user, action, insats.pk) == (insats.pk in allowed), (user, action)
    assert not can(inactive, Action.VIEW, w.a.personal.pk)
    assert can(w.a.users["board"], Action.VIEW, w.a.personal.pk)
