"""Forms that catch what does not add up (issue 12, #5; docs/data-model.md, "Values that
do not add up"): an end reason the after-variables contradict is refused at the field;
a consent dated after the start is saved with a warning; an anonymous participant must
have started within its insats's years and can be corrected and removed, with history;
every removal asks first."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from samspar.access.scoping import Role
from samspar.codelists import models as codes
from samspar.registry import services as registry
from samspar.registry.models import AnonymousEnrolment, Enrolment
from tests.factories import code, enrol, make_forbund, make_insats, make_user

TEMPLATES = Path(__file__).resolve().parent.parent / "samspar"


@pytest.fixture
def world(db):
    forbund = make_forbund()
    insats = make_insats(forbund, start=dt.date(2015, 5, 13))
    coach = make_user("coach", Role.REGISTRATOR, insats=insats)
    client = Client(headers={"accept-language": "en"})
    client.force_login(coach)
    return insats, coach, client


def _end(client, enrolment, **fields):
    data = {
        "end_date": "2023-06-30",
        "end_reason": code(codes.EndReason, "arbete").pk,
        "version": str(enrolment.version),
        **fields,
    }
    return client.post(reverse("enrolment-end", args=[enrolment.pk]), data)


@pytest.mark.parametrize(
    ("reason", "field", "tick"),
    [("arbete", "works_after", "works_after"), ("studier", "studies_after", "studies_after")],
)
def test_an_end_reason_the_after_variables_contradict_is_refused_at_the_field(
    world, reason, field, tick
):
    insats, coach, client = world
    enrolment = enrol(coach, insats)
    reason_pk = code(codes.EndReason, reason).pk
    refused = _end(client, enrolment, end_reason=reason_pk)
    assert refused.status_code == 200
    form = refused.context["form"]
    assert list(form.errors) == [field]
    assert 'value="2023-06-30"' in refused.content.decode()  # what was typed is kept
    assert Enrolment.objects.get().end_date is None
    accepted = _end(client, enrolment, end_reason=reason_pk, **{tick: "on"})
    assert accepted.status_code == 302
    assert Enrolment.objects.get().end_date == dt.date(2023, 6, 30)


def test_a_consent_after_the_start_is_saved_with_a_warning(world):
    insats, coach, client = world
    enrolment = enrol(coach, insats, consent_date=dt.date(2022, 3, 8))  # start 1 March
    response = client.post(
        reverse("enrolment-end", args=[enrolment.pk]),
        {
            "end_date": "2023-06-30",
            "end_reason": code(codes.EndReason, "flytt").pk,
            "version": "1",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "The consent is dated 2022-03-08, after the start 2022-03-01" in html
    assert 'class="warnings"' in html  # and on the participant's page itself
    assert Enrolment.objects.get().end_date == dt.date(2023, 6, 30)


@pytest.mark.parametrize(
    ("year", "message"), [(2014, "Insatsen startade 2015"), (2031, "framtiden")]
)
def test_an_anonymous_participant_starts_within_the_insats(world, year, message):
    insats, coach, _client = world
    with pytest.raises(ValidationError, match=message):
        registry.register_anonymous(
            user=coach, insats=insats, gender="K", start_year=year, reason="skyddad"
        )
    insats.end_date = dt.date(2020, 12, 31)
    insats.save()
    with pytest.raises(ValidationError, match="Insatsen avslutades 2020"):
        registry.register_anonymous(
            user=coach, insats=insats, gender="K", start_year=2021, reason="skyddad"
        )
    assert not AnonymousEnrolment.objects.exists()


def test_an_anonymous_participant_is_corrected_and_removed_with_history(world):
    insats, coach, client = world
    anonymous = registry.register_anonymous(
        user=coach, insats=insats, gender="K", start_year=2016, reason="skyddad"
    )
    listed = client.get(reverse("anonymous-list", args=[insats.pk])).content.decode()
    assert reverse("anonymous-edit", args=[anonymous.pk]) in listed
    edit = reverse("anonymous-edit", args=[anonymous.pk])
    refused = client.post(edit, {"gender": "M", "start_year": "2010", "reason": "samtycke"})
    assert "The insats started in 2015." in refused.content.decode()
    assert 'value="2010"' in refused.content.decode()
    client.post(edit, {"gender": "M", "start_year": "2017", "reason": "samtycke"})
    stored = AnonymousEnrolment.objects.get()
    assert (stored.gender, stored.start_year, stored.reason) == ("M", 2017, "samtycke")
    remove = reverse("anonymous-delete", args=[anonymous.pk])
    assert (
        "Remove the anonymous participant (Man, started 2017" in client.get(remove).content.decode()
    )
    assert AnonymousEnrolment.objects.exists()  # a GET only asks
    client.post(remove)
    assert not AnonymousEnrolment.objects.exists()
    history = AnonymousEnrolment.history.order_by("history_id")
    assert [(h.history_type, h.start_year, h.history_user) for h in history] == [
        ("+", 2016, coach),
        ("~", 2017, coach),
        ("-", 2017, coach),
    ]


def test_another_insats_coach_cannot_touch_an_anonymous_participant(world):
    insats, coach, _client = world
    anonymous = registry.register_anonymous(
        user=coach, insats=insats, gender="K", start_year=2016, reason="skyddad"
    )
    stranger = Client()
    other = make_insats(insats.forbund, "Annan", start=dt.date(2015, 1, 1))
    stranger.force_login(make_user("stranger", Role.REGISTRATOR, insats=other))
    for name in ("anonymous-edit", "anonymous-delete"):
        assert stranger.post(reverse(name, args=[anonymous.pk])).status_code == 404
    assert AnonymousEnrolment.objects.get().start_year == 2016


def _removal_forms(text: str) -> list[str]:
    """The POST forms of a template that remove, revoke or deactivate something."""
    forms = re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S)
    removing = re.compile(r'value="(delete[\w-]*|remove|revoke|deactivate)"|name="revoke"')
    return [f for f in forms if removing.search(f) or "action|default:'delete'" in f]


def test_every_removal_asks_first():
    """A removal button's form carries the question the browser asks (static/confirm.js),
    except on a page that is itself the confirmation (``*_delete.html``)."""
    checked = 0
    for path in TEMPLATES.rglob("*.html"):
        if path.name.endswith("_delete.html"):
            continue
        for form in _removal_forms(path.read_text(encoding="utf-8")):
            checked += 1
            assert "data-confirm=" in form.split(">", 1)[0], f"{path.name}: {form[:120]}"
    assert checked >= 4
