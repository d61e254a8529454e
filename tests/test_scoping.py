"""Access is scoped by role and insats, and denied by default (DOMAIN.md §2)."""

from django.contrib.auth.models import AnonymousUser, User

from samspar.access.scoping import Action, Role, can
from samspar.organisation.models import Insats
from samspar.registry.models import Enrolment, Person
from tests.factories import enrol, make_forbund, make_insats, make_user


def test_nobody_sees_anything_by_default(insats):
    user = User.objects.create_user("nobody")
    superuser = User.objects.create_superuser("root", password="x")
    for who in (user, superuser, AnonymousUser()):
        for action in Action:
            assert not Insats.objects.restrict(who, action).exists()


def test_registrator_sees_personal_data_of_own_insats_only(registrator, insats, forbund):
    other = make_insats(forbund, "Samverkansteam Säter")
    enrol(registrator, insats)
    assert can(registrator, Action.VIEW_PERSONAL, insats.pk)
    assert can(registrator, Action.REGISTER, insats.pk)
    assert not can(registrator, Action.VIEW, other.pk)
    assert not can(registrator, Action.MANAGE, insats.pk)
    assert Enrolment.objects.restrict(registrator, Action.VIEW_PERSONAL).count() == 1
    assert Person.objects.restrict(registrator, Action.VIEW_PERSONAL).count() == 1


def test_managers_and_admins_see_no_personal_data(registrator, insats, manager, forbund_admin):
    enrol(registrator, insats)
    for user in (manager, forbund_admin):
        assert can(user, Action.VIEW, insats.pk)
        assert can(user, Action.MANAGE, insats.pk)
        assert not Enrolment.objects.restrict(user, Action.VIEW_PERSONAL).exists()
        assert not Person.objects.restrict(user, Action.VIEW_PERSONAL).exists()


def test_forbund_scope_covers_all_its_insatser_and_no_other(forbund, insats):
    second = make_insats(forbund, "Samverkansteam Säter")
    other_forbund = make_forbund("Samordningsförbundet Sydnärke", county="18")
    foreign = make_insats(other_forbund, "Mottagningsteam Sydnärke")
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    visible = set(Insats.objects.restrict(board, Action.VIEW).values_list("pk", flat=True))
    assert visible == {insats.pk, second.pk}
    assert foreign.pk not in visible
    assert not can(board, Action.MANAGE, insats.pk)


def test_person_in_two_insatser_is_listed_once(registrator, insats, forbund):
    second = make_insats(forbund, "Samverkansteam Säter")
    from samspar.access.models import RoleAssignment

    RoleAssignment.objects.create(user=registrator, role=Role.REGISTRATOR, insats=second)
    e = enrol(registrator, insats)
    enrol(registrator, second, personnummer_text=e.person.personnummer)
    assert Person.objects.count() == 1
    assert Person.objects.restrict(registrator, Action.VIEW_PERSONAL).count() == 1
