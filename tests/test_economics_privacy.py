"""Issue 9, item 1: evaluations of registered individuals must not reveal anything about
fewer participants than the förbund's threshold (5 here) to anyone without personal
data — neither by subtracting two evaluations (or two versions of one) nor by reading
one item next to the Resultat report. Each test performs the attack through the
services or the browser, as a förbund administrator and as a board member."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from samspar.access.scoping import Action, Role
from samspar.codelists import models as codes
from samspar.economics import model, privacy, selectors, services
from samspar.economics.models import Evaluation
from samspar.registry.models import Enrolment
from samspar.registry.services import update_enrolment
from tests.factories import code, make_insats, make_user
from tests.test_economics_on_demo import form_data
from tests.test_economics_services import _end, _works, entry, individuals

# The one who ended on 24 December: before försörjningsstöd and etableringsersättning,
# after sjukpenning.
LAST = {
    "reason": "ersattning",
    "supply_after": ["sjukpenning"],
    "before": ("forsorjningsstod", "etableringsersattning"),
    "end_date": dt.date(2024, 12, 24),
}
REFUSED = "skiljer sig från"  # the Swedish message: "Deltagarna skiljer sig från …"
WAGE_ITEMS = {"wage", "production", "employer_contribution", "wage_subsidy"}


def _five(registrator, insats, first_day=1, end_date=dt.date(2024, 5, 15)):
    """Five who went from försörjningsstöd to aktivitetsstöd, ended on ``end_date``."""
    for day in range(first_day, first_day + 5):
        _end(
            registrator,
            insats,
            day,
            "annan-rehab",
            ["aktivitetsstod"],
            before=("forsorjningsstod",),
            end_date=end_date,
        )


def _last(registrator, insats, day=20):
    return _end(registrator, insats, day, LAST["reason"], LAST["supply_after"], **_without(LAST))


def _without(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in ("reason", "supply_after")}


def _period(forbund, insats, start, end, name="Individer"):
    return individuals(
        forbund, insats, name=name, period_start=dt.date(*start), period_end=dt.date(*end)
    )


def _refused(error: pytest.ExceptionInfo[ValidationError]) -> bool:
    return any(REFUSED in m for m in error.value.messages)


def test_the_issues_periods_are_not_whole_months(forbund, insats, registrator, forbund_admin):
    _five(registrator, insats)
    _last(registrator, insats)
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin,
            evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 12, 23)),
        )
    assert error.value.message_dict["period_end"] == ["Perioden slutar den sista dagen i en månad."]
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 2), (2024, 12, 31))
        )
    assert error.value.message_dict["period_start"] == [
        "Perioden börjar den första dagen i en månad."
    ]
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("first", ["five", "six"])
def test_two_periods_one_participant_apart_are_refused(
    forbund, insats, registrator, forbund_admin, first
):
    """The issue's attack in whole months: April–November holds five, April–December
    also the one who ended on 24 December. Whichever comes second is refused."""
    _five(registrator, insats)
    _last(registrator, insats)
    periods = {"five": ((2024, 4, 1), (2024, 11, 30)), "six": ((2024, 4, 1), (2024, 12, 31))}
    second = "six" if first == "five" else "five"
    made = services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, *periods[first], name=first)
    )
    assert selectors.profile_count(made) == (5 if first == "five" else 6)
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin, evaluation=_period(forbund, insats, *periods[second], name=second)
        )
    assert _refused(error)
    assert list(Evaluation.objects.values_list("name", flat=True)) == [first]


def test_another_insats_manager_cannot_subtract_either(forbund, insats, registrator, manager):
    """The rule holds for every evaluation of the förbund, whoever made it."""
    admin = make_user("admin2", Role.FORBUND_ADMIN, forbund=forbund)
    _five(registrator, insats)
    _last(registrator, insats)
    services.save_evaluation(
        user=admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 11, 30))
    )
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=manager, evaluation=_period(forbund, insats, (2024, 1, 1), (2024, 12, 31))
        )
    assert _refused(error)


def test_moving_the_period_of_an_evaluation_is_refused(forbund, insats, registrator, forbund_admin):
    """The earlier version was shown: moving the period is a second evaluation."""
    _five(registrator, insats)
    _last(registrator, insats)
    made = services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 11, 30))
    )
    made.period_end = dt.date(2024, 12, 31)
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(user=forbund_admin, evaluation=made)
    assert _refused(error)
    stored = Evaluation.objects.get(pk=made.pk)
    assert stored.period_end == dt.date(2024, 11, 30) and selectors.profile_count(stored) == 5


def test_computing_again_after_one_more_or_one_corrected_is_refused(
    forbund, insats, registrator, forbund_admin
):
    _five(registrator, insats)
    made = services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 12, 31))
    )
    first = selectors.evaluation_report(made, with_simulation=False).result.society.revenue
    # one more is registered as ended in the period: the two versions would give them
    late = _last(registrator, insats)
    with pytest.raises(ValidationError) as error:
        services.refresh_from_registry(user=forbund_admin, evaluation=made)
    assert _refused(error)
    kept = Evaluation.objects.get(pk=made.pk)
    assert selectors.profile_count(kept) == 5
    assert selectors.evaluation_report(kept, with_simulation=False).result.society.revenue == first
    # one participant's registration is corrected: the two versions would give the
    # difference between their old and new situation
    update_enrolment(  # the late one was a wrong registration after all
        user=registrator, enrolment=late, end_reason=code(codes.EndReason, "felregistrering")
    )
    assert not selectors.registry_changed(kept, forbund_admin)
    one = insats.enrolments.order_by("pk").first()
    update_enrolment(
        user=registrator,
        enrolment=one,
        supply_after=[code(codes.SupplyType, "sjukpenning")],
    )
    with pytest.raises(ValidationError) as error:
        services.refresh_from_registry(user=forbund_admin, evaluation=kept)
    assert _refused(error)
    # more ended since does not hide the one corrected
    _five(registrator, insats, first_day=10, end_date=dt.date(2024, 9, 9))
    with pytest.raises(ValidationError) as error:
        services.refresh_from_registry(user=forbund_admin, evaluation=kept)
    assert _refused(error)
    # the other four corrected too: what changed is shared by five, and may be read
    for other in insats.enrolments.order_by("pk")[1:5]:
        update_enrolment(
            user=registrator,
            enrolment=other,
            supply_after=[code(codes.SupplyType, "sjukpenning")],
        )
    refreshed = services.refresh_from_registry(user=forbund_admin, evaluation=kept)
    assert selectors.profile_count(refreshed) == 10


def test_three_evaluations_cannot_single_out_a_month(forbund, insats, registrator, forbund_admin):
    """January–June and January–December exist; June–December differs from each by
    five, but adding the first two and subtracting the second leaves June's two."""
    _five(registrator, insats, end_date=dt.date(2024, 3, 3))
    for day in (6, 7):
        _end(
            registrator,
            insats,
            day,
            "annan-rehab",
            ["aktivitetsstod"],
            end_date=dt.date(2024, 6, 6),
        )
    _five(registrator, insats, first_day=10, end_date=dt.date(2024, 10, 10))
    for start, end in (((2024, 1, 1), (2024, 6, 30)), ((2024, 1, 1), (2024, 12, 31))):
        services.save_evaluation(
            user=forbund_admin, evaluation=_period(forbund, insats, start, end, name=str(end))
        )
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin, evaluation=_period(forbund, insats, (2024, 6, 1), (2024, 12, 31))
        )
    assert _refused(error)
    assert Evaluation.objects.count() == 2


def test_an_evaluation_made_before_the_rule_is_not_shown(
    forbund, insats, registrator, forbund_admin, client
):
    """Two evaluations one participant apart, stored as an older Samspår made them: the
    one that holds the difference shows no amounts, on the page, in exports and in the
    CLI."""
    _five(registrator, insats)
    _last(registrator, insats)
    five = services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 11, 30))
    )
    six = _period(forbund, insats, (2024, 4, 1), (2024, 12, 31), name="six")
    managed = Enrolment.objects.restrict(forbund_admin, Action.MANAGE)
    six.profiles = [
        p.as_json() for p in selectors.registry_profiles(managed, insats.pk, *_dates(six))
    ]
    six.population = selectors.registry_population(managed, insats.pk, *_dates(six))
    six.registry_as_of = five.registry_as_of
    six.save()  # no service: as made before the rule
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    client.force_login(board)
    assert client.get(f"/ekonomi/{five.pk}/").context["report"] is not None
    page = client.get(f"/ekonomi/{six.pk}/")
    assert page.status_code == 200 and "report" not in page.context
    assert REFUSED in page.content.decode()
    for fmt in ("json", "xlsx", "pdf"):
        assert client.get(f"/ekonomi/{six.pk}/export/{fmt}/").status_code == 404
    # The API shows what the page shows: the reasons, no amounts.
    assert client.get(f"/api/v1/evaluations/{five.pk}").status_code == 200
    refused = client.get(f"/api/v1/evaluations/{six.pk}")
    assert refused.status_code == 409 and "results" not in refused.json()
    assert "skiljer sig" in refused.json()["detail"]
    with pytest.raises(Exception, match="skiljer sig"):
        call_command("economics", "show", str(six.pk), "--format", "json", stdout=io.StringIO())


def _dates(evaluation):
    return evaluation.period_start, evaluation.period_end


def _one_went_to_work(forbund, insats, registrator, forbund_admin):
    """Six ended in 2024: five from försörjningsstöd to aktivitetsstöd, and one from
    försörjningsstöd to full-time work (the Resultat report hides "1")."""
    _five(registrator, insats)
    _end(
        registrator,
        insats,
        20,
        "arbete",
        [],
        before=("forsorjningsstod",),
        end_date=dt.date(2024, 8, 8),
        **_works(100),
    )
    return services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [float(value)] if isinstance(value, int | float) and not isinstance(value, bool) else []


@pytest.mark.parametrize("role", [Role.BOARD, Role.FORBUND_ADMIN])
def test_one_who_went_to_work_is_not_in_any_amount(
    forbund, insats, registrator, forbund_admin, client, role
):
    made = _one_went_to_work(forbund, insats, registrator, forbund_admin)
    values = {v.key: float(v.amount) for v in made.value_set.values.all()}
    yearly_wage = 12 * values["average_wage"]
    one_person = {
        round(yearly_wage * f)
        for f in (
            1,
            1 + values["employer_contribution"],
            values["employer_contribution"],
            values["municipal_tax"],
            values["regional_tax"],
            12 * values["forsorjningsstod"] / yearly_wage,  # their försörjningsstöd
        )
    }
    reader = (
        forbund_admin
        if role == Role.FORBUND_ADMIN
        else make_user("styrelse", role, forbund=forbund)
    )
    client.force_login(reader)
    page = client.get(f"/ekonomi/{made.pk}/")
    report = page.context["report"]
    assert report.result.participants == 6
    assert "Små grupper" in page.content.decode()  # the reader is told the rule
    items = {(i.actor.value, i.item): i.change for i in report.result.items}
    assert all(
        abs(items.get((a, w), 0)) < 0.5 for a in ("individual", "employer") for w in WAGE_ITEMS
    )
    # försörjningsstöd: the five's, not the sixth's
    assert items[("kommun", "forsorjningsstod")] == pytest.approx(
        5 * 12 * values["forsorjningsstod"]
    )
    exported = json.loads(client.get(f"/ekonomi/{made.pk}/export/json/").content)
    book = load_workbook(io.BytesIO(client.get(f"/ekonomi/{made.pk}/export/xlsx/").content))
    cli = io.StringIO()
    call_command("economics", "show", str(made.pk), "--format", "json", stdout=cli)
    shown = _numbers(exported) + _numbers(json.loads(cli.getvalue()))
    shown += [
        float(c)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if isinstance(c, int | float)
    ]
    for amount in one_person:
        assert not any(abs(abs(n) - amount) < 1 for n in shown), amount
    assert not any(i["item"] in WAGE_ITEMS and abs(i["change"]) >= 0.5 for i in exported["items"])


def test_a_mapping_row_of_fewer_than_the_threshold_changes_nothing(
    forbund, insats, registrator, forbund_admin
):
    """The mapping is chosen by the reader: a row for an end reason only one ended with
    would tell their number and situation. It is not applied."""
    _five(registrator, insats)
    _end(registrator, insats, 20, "studier", ["studiemedel"], before=("forsorjningsstod",))
    made = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    before = selectors.evaluation_report(made, with_simulation=False).result
    for row in (entry(100, 80, 0), entry(0, 0, 500), entry(Decimal("0.01"), 0, Decimal("99.99"))):
        services.save_evaluation(user=forbund_admin, evaluation=made, mapping={"studier": row})
        after = selectors.evaluation_report(made, with_simulation=False).result
        assert [i.change for i in after.items] == [i.change for i in before.items]
        assert after.potential == before.potential
    # a row of the five's end reason applies
    services.save_evaluation(
        user=forbund_admin, evaluation=made, mapping={"annan-rehab": entry(0, 0, 50)}
    )
    changed = selectors.evaluation_report(made, with_simulation=False).result
    assert changed.society.revenue > before.society.revenue


def test_the_browser_refuses_in_swedish_and_saves_nothing(
    forbund, insats, registrator, forbund_admin, client
):
    _five(registrator, insats)
    _last(registrator, insats)
    services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 11, 30))
    )
    client.force_login(forbund_admin)
    url = "/ekonomi/ny/individuals/"
    data = form_data(client.get(url))
    data.update(name="Sex", insats=insats.pk, period_start="2024-04-01", cost="500000")
    for end, message in (
        ("2024-12-23", "Perioden slutar den sista dagen i en månad."),
        ("2024-12-31", REFUSED),
    ):
        response = client.post(url, {**data, "period_end": end})
        assert response.status_code == 200 and message in response.content.decode()
    assert Evaluation.objects.count() == 1
    # a board member cannot make one at all
    client.force_login(make_user("styrelse", Role.BOARD, forbund=forbund))
    response = client.post(url, {**data, "period_end": "2024-12-31"})
    assert response.status_code in (200, 403, 404)
    assert Evaluation.objects.count() == 1


def test_computing_again_in_the_browser_is_refused_in_swedish(
    forbund, insats, registrator, forbund_admin, client
):
    _five(registrator, insats)
    made = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    _last(registrator, insats)
    client.force_login(forbund_admin)
    response = client.post(f"/ekonomi/{made.pk}/rakna-om/", follow=True)
    assert REFUSED in response.content.decode()
    assert selectors.profile_count(Evaluation.objects.get(pk=made.pk)) == 5


def test_a_new_secret_key_does_not_hide_a_difference(
    forbund, insats, registrator, forbund_admin, settings
):
    """Tokens are keyed with SECRET_KEY; after a rotation they no longer match, but the
    participants are compared by enrolment too."""
    _five(registrator, insats)
    _last(registrator, insats)
    services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 11, 30))
    )
    settings.SECRET_KEY = "another-secret-key-after-a-rotation-" + "x" * 20
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 12, 31))
        )
    assert _refused(error)


def test_the_migration_gives_older_evaluations_their_population(
    forbund, insats, registrator, forbund_admin
):
    from django.apps import apps

    migration = importlib.import_module("samspar.economics.migrations.0012_evaluation_population")
    _five(registrator, insats)
    made = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    read = list(made.population)
    assert len(read) == 5
    Evaluation.objects.update(population=[])
    Evaluation.history.update(population=[])
    migration.forwards(apps, None)
    assert Evaluation.objects.get(pk=made.pk).population == read
    assert all(h.population == read for h in Evaluation.history.filter(id=made.pk))


@pytest.mark.parametrize(
    "one, other",
    [
        # the issue's: one went to full-time work, or stayed on försörjningsstöd
        ((["lon"], 100), (["forsorjningsstod"], None)),
        # a registered extent of work after that the mapping would otherwise fill in
        ((["aktivitetsstod"], 30), (["aktivitetsstod"], 80)),
        # a second benefit after, next to the five's: one or another
        ((["aktivitetsstod", "sjukpenning"], None), (["aktivitetsstod", "studiemedel"], None)),
    ],
)
def test_whatever_the_mapping_one_participant_is_not_told_apart(
    forbund, insats, registrator, forbund_admin, one, other
):
    """Two insatser alike but for the situation of one participant, shared by no one
    else in either: however the reader sets the mapping of their end reason (and
    compares the versions), every amount is the same in both."""
    twin = make_insats(forbund, "Tvillinginsatsen")
    twin_registrator = make_user("coach2", Role.REGISTRATOR, insats=twin)
    made = []
    for where, who, first, (after, extent) in (
        (insats, registrator, 1, one),
        (twin, twin_registrator, 11, other),
    ):
        _five(who, where, first_day=first)
        fields = {} if extent is None else _works(extent)
        _end(who, where, first + 6, "annan-rehab", after, before=("forsorjningsstod",), **fields)
        made.append(
            services.save_evaluation(
                user=forbund_admin, evaluation=individuals(forbund, where, name=where.name)
            )
        )
    for row in (None, entry(0, 0, 100), entry(100, 0, 100), entry(50, 80, 40)):
        results = []
        for evaluation in made:
            if row is not None:
                services.save_evaluation(
                    user=forbund_admin, evaluation=evaluation, mapping={"annan-rehab": row}
                )
            results.append(selectors.evaluation_report(evaluation, with_simulation=False).result)
        one_world, other_world = results
        assert one_world.participants == other_world.participants == 6
        assert one_world.potential == pytest.approx(other_world.potential)
        assert [(i.actor, i.item, round(i.change, 6)) for i in one_world.items] == [
            (i.actor, i.item, round(i.change, 6)) for i in other_world.items
        ]


@hypothesis_settings(deadline=None, derandomize=True, max_examples=200)
@given(
    st.lists(st.frozensets(st.integers(0, 24), min_size=5), min_size=1, max_size=8),
    st.integers(2, 6),
)
def test_populations_accepted_one_by_one_never_differ_by_a_few(candidates, threshold):
    """Whatever populations are asked for, in whatever order (participant *i* in
    situation *i* mod 3): those accepted differ from each other by 0 or at least the
    threshold in both directions, and so does each shown situation (shared by at least
    the threshold within its population) from every population and shown situation."""
    accepted: list[privacy.Split] = []
    for candidate in candidates:
        population = [f"{i}-h{i}-s{i % 3}" for i in candidate]
        split = privacy.split(population, threshold, privacy.tokens)
        if len(population) >= threshold and not privacy.makes_small_group(
            accepted, split, threshold
        ):
            accepted.append(split)
    for a in accepted:
        assert not privacy.over_small_group(accepted, a, threshold)
        for b in accepted:
            assert len(a.whole - b.whole) in (0, *range(threshold, 26))
            for shown in a.shown:
                for other in (b.whole, *b.shown):
                    assert len(shown - other) in (0, *range(threshold, 26))
    assert all(len(g) >= threshold for g in privacy.groups(a.whole for a in accepted))


def _to_work(registrator, insats, day, end_date):
    """One who went from försörjningsstöd to full-time work."""
    _end(
        registrator,
        insats,
        day,
        "arbete",
        [],
        before=("forsorjningsstod",),
        end_date=end_date,
        **_works(100),
    )


def _nested(registrator, insats):
    """January–June: five went to work. July–December: one more went to work, and four
    went from sjukpenning to aktivitetsstöd (a situation shared by fewer than five)."""
    for day in range(1, 6):
        _to_work(registrator, insats, day, dt.date(2024, 5, 15))
    _to_work(registrator, insats, 10, dt.date(2024, 9, 15))
    for day in range(11, 15):
        _end(
            registrator,
            insats,
            day,
            "annan-rehab",
            ["aktivitetsstod"],
            before=("sjukpenning",),
            end_date=dt.date(2024, 10, 1),
        )


HALF_YEAR = ((2024, 1, 1), (2024, 6, 30))
YEAR = ((2024, 1, 1), (2024, 12, 31))


@pytest.mark.parametrize("first, second", [(HALF_YEAR, YEAR), (YEAR, HALF_YEAR)])
def test_nested_evaluations_one_shown_participant_apart_are_refused(
    forbund, insats, registrator, forbund_admin, first, second
):
    """The reviewer's attack: the half year (5) and the year (10) differ by five
    participants, but the four of the rare situation are left out of the year, so its
    amounts minus the half year's would be one person's wage and försörjningsstöd.
    Whichever comes second is refused."""
    _nested(registrator, insats)
    services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, first[0], first[1], name="first")
    )
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin,
            evaluation=_period(forbund, insats, second[0], second[1], name="second"),
        )
    assert _refused(error)
    assert list(Evaluation.objects.values_list("name", flat=True)) == ["first"]


def _saved_as_before_the_rule(evaluation, user):
    """Read from the registry and saved without the service, as an older Samspår did."""
    managed = Enrolment.objects.restrict(user, Action.MANAGE)
    where = (managed, evaluation.insats_id, *_dates(evaluation))
    evaluation.profiles = [p.as_json() for p in selectors.registry_profiles(*where)]
    evaluation.population = selectors.registry_population(*where)
    evaluation.registry_as_of = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)
    evaluation.save()
    return evaluation


def test_nested_evaluations_made_before_the_rule_are_not_shown(
    forbund, insats, registrator, forbund_admin, client
):
    """The same two stored by an older Samspår: the year lies over the one who went to
    work in July–December, so it shows no amounts; the half year still does."""
    _nested(registrator, insats)
    half = _saved_as_before_the_rule(_period(forbund, insats, *HALF_YEAR), forbund_admin)
    year = _saved_as_before_the_rule(
        _period(forbund, insats, YEAR[0], YEAR[1], name="Y"), forbund_admin
    )
    assert selectors.evaluation_report(half, with_simulation=False).result.participants == 5
    with pytest.raises(model.InputError) as error:
        selectors.evaluation_report(year, with_simulation=False)
    assert [p.code for p in error.value.problems] == ["differs_by_few"]
    client.force_login(make_user("styrelse", Role.BOARD, forbund=forbund))
    page = client.get(f"/ekonomi/{year.pk}/")
    assert page.status_code == 200 and "report" not in page.context


def test_a_hidden_evaluation_shows_no_history(forbund, insats, registrator, forbund_admin, client):
    """The reviewer's second attack: an evaluation whose period was moved from
    April–November (5) to April–December (6) outside the service is not shown, and
    its history, which would say "5 → 6" and the period's end, is not shown either."""
    _five(registrator, insats)
    _last(registrator, insats)
    moved = _saved_as_before_the_rule(
        _period(forbund, insats, (2024, 4, 1), (2024, 11, 30)), forbund_admin
    )
    moved.period_end = dt.date(2024, 12, 31)
    _saved_as_before_the_rule(moved, forbund_admin)
    for user in (make_user("styrelse", Role.BOARD, forbund=forbund), forbund_admin):
        client.force_login(user)
        page = client.get(f"/ekonomi/{moved.pk}/")
        assert page.status_code == 200 and "report" not in page.context
        text = page.content.decode()
        assert "Deltagare från registret" not in text  # the history's "5 → 6"
        assert REFUSED in text
        assert "Historiken visas inte" in text
        assert "2024-11-30" not in text and "30 nov" not in text
        assert page.context["history"] is None


def test_a_shown_evaluation_keeps_its_history(forbund, insats, registrator, forbund_admin, client):
    _five(registrator, insats)
    made = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    client.force_login(forbund_admin)
    page = client.get(f"/ekonomi/{made.pk}/")
    assert page.context["report"] is not None and len(page.context["history"]) == 1


def test_a_lowered_threshold_is_audited_and_does_not_let_a_difference_through(
    forbund, insats, registrator, forbund_admin, client
):
    """The reviewer's third attack: the förbund administrator lowers the threshold to 3,
    makes an evaluation three participants more than an existing one, and sets the
    threshold back. The population check uses the highest threshold the förbund has
    had since its oldest evaluation of individuals, so the second evaluation is refused;
    and the change is in the förbund's history with who made it."""
    from samspar.organisation.services import update_forbund_settings

    _five(registrator, insats)
    for day in range(20, 23):
        _end(
            registrator,
            insats,
            day,
            "annan-rehab",
            ["aktivitetsstod"],
            before=("forsorjningsstod",),
            end_date=dt.date(2024, 12, 24),
        )
    services.save_evaluation(
        user=forbund_admin, evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 11, 30))
    )
    update_forbund_settings(forbund_admin, forbund, suppression_threshold=3)
    assert selectors.population_threshold(forbund) == 5
    with pytest.raises(ValidationError) as error:
        services.save_evaluation(
            user=forbund_admin,
            evaluation=_period(forbund, insats, (2024, 4, 1), (2024, 12, 31), name="eight"),
        )
    assert _refused(error)
    update_forbund_settings(forbund_admin, forbund, suppression_threshold=5)
    versions = list(forbund.history.order_by("history_date"))
    assert [v.suppression_threshold for v in versions][-2:] == [3, 5]
    assert {v.history_user for v in versions[-2:]} == {forbund_admin}
    client.force_login(forbund_admin)
    page = client.get(f"/forbund/{forbund.pk}/installningar/")
    assert page.status_code == 200
    assert str(forbund_admin) in page.content.decode()
    assert len(page.context["history"]) >= 2


def test_a_threshold_lowered_before_any_evaluation_is_raised_again_for_them(
    forbund, insats, registrator, forbund_admin
):
    """Lowered to 3 before the first evaluation of four, then set back to 5: from then
    on the evaluation of four is not shown (and its making is in the history)."""
    from samspar.organisation.services import update_forbund_settings

    update_forbund_settings(forbund_admin, forbund, suppression_threshold=3)
    for day in range(1, 5):
        _to_work(registrator, insats, day, dt.date(2024, 5, 15))
    four = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    assert selectors.evaluation_report(four, with_simulation=False).result.participants == 4
    update_forbund_settings(forbund_admin, forbund, suppression_threshold=5)
    with pytest.raises(model.InputError) as error:
        selectors.evaluation_report(four, with_simulation=False)
    assert [p.code for p in error.value.problems] == ["too_few_participants"]


def test_the_situation_migration_gives_tokens_their_situation(
    forbund, insats, registrator, forbund_admin
):
    from django.apps import apps

    migration = importlib.import_module("samspar.economics.migrations.0013_population_situations")
    _nested(registrator, insats)
    made = services.save_evaluation(user=forbund_admin, evaluation=individuals(forbund, insats))
    read = list(made.population)
    assert len(read) == 10 and len({t.split("-")[2] for t in read}) == 2
    legacy = [t.rpartition("-")[0] for t in read]  # as 0012 stored them
    Evaluation.objects.update(population=legacy)
    Evaluation.history.update(population=legacy)
    migration.forwards(apps, None)
    assert Evaluation.objects.get(pk=made.pk).population == read
    assert all(h.population == read for h in Evaluation.history.filter(id=made.pk))
