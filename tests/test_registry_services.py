import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from samspar.access.scoping import Role
from samspar.codelists.models import EndReason, SupplyType
from samspar.organisation.models import FollowUpMethod, InsatsKind
from samspar.registry import services
from samspar.registry.models import AnonymousEnrolment, Enrolment, Person, VolumeCount
from tests.factories import code, enrol, make_insats, make_pnr, make_user, start_fields


def _errors(exc_info):
    return exc_info.value.message_dict


def test_personnummer_is_not_stored_in_plain_text(registrator, insats):
    pnr = make_pnr(dt.date(1985, 6, 1), man=False)
    e = enrol(registrator, insats, personnummer_text=pnr)
    plain = pnr.replace("-", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pnr_encrypted, pnr_hash FROM registry_person")
        row = cursor.fetchone()
    assert plain not in row[0] and plain not in row[1]
    assert e.person.personnummer == pnr
    assert e.person.gender == "K"


def test_same_person_is_found_again_by_number(registrator, insats, forbund):
    first = enrol(registrator, insats)
    services.end_enrolment(
        user=registrator,
        enrolment=first,
        end_date=dt.date(2022, 5, 1),
        end_reason=code(EndReason, "avbrott"),
    )
    again = enrol(
        registrator,
        insats,
        personnummer_text=first.person.personnummer,
        start_date=dt.date(2022, 9, 1),
        consent_date=dt.date(2022, 9, 1),
    )
    assert again.person_id == first.person_id
    assert Person.objects.count() == 1


def test_invalid_personnummer_saves_nothing(registrator, insats):
    with pytest.raises(ValidationError) as e:
        enrol(registrator, insats, personnummer_text="19900314-1235")
    assert "personnummer" in _errors(e)
    assert not Person.objects.exists() and not Enrolment.objects.exists()


def test_second_active_enrolment_is_refused(registrator, insats):
    first = enrol(registrator, insats)
    with pytest.raises(ValidationError) as e:
        enrol(
            registrator,
            insats,
            personnummer_text=first.person.personnummer,
            start_date=dt.date(2022, 6, 1),
        )
    assert "personnummer" in _errors(e)
    assert Enrolment.objects.count() == 1


def test_overlapping_closed_enrolment_is_refused(registrator, insats):
    first = enrol(registrator, insats)
    services.end_enrolment(
        user=registrator,
        enrolment=first,
        end_date=dt.date(2022, 8, 1),
        end_reason=code(EndReason, "arbete"),
    )
    with pytest.raises(ValidationError) as e:
        enrol(
            registrator,
            insats,
            personnummer_text=first.person.personnummer,
            start_date=dt.date(2022, 6, 1),
        )
    assert "start_date" in _errors(e)


def test_future_dates_are_refused(registrator, insats):
    future = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as e:
        enrol(registrator, insats, start_date=future, consent_date=future)
    assert {"start_date", "consent_date"} <= set(_errors(e))
    assert not Enrolment.objects.exists()


def test_start_before_insats_start_is_refused(registrator, insats):
    with pytest.raises(ValidationError) as e:
        enrol(registrator, insats, start_date=dt.date(2014, 1, 1))
    assert "start_date" in _errors(e)


def test_end_needs_reason_and_not_before_start(registrator, insats):
    e = enrol(registrator, insats)
    with pytest.raises(ValidationError) as err:
        services.end_enrolment(
            user=registrator, enrolment=e, end_date=dt.date(2022, 6, 1), end_reason=None
        )
    assert "end_reason" in _errors(err)
    with pytest.raises(ValidationError) as err:
        services.end_enrolment(
            user=registrator,
            enrolment=e,
            end_date=dt.date(2022, 1, 1),
            end_reason=code(EndReason, "arbete"),
        )
    assert Enrolment.objects.get(pk=e.pk).end_date is None


def test_end_registers_after_variables_and_history(registrator, insats):
    e = enrol(registrator, insats)
    services.end_enrolment(
        user=registrator,
        enrolment=e,
        end_date=dt.date(2022, 12, 1),
        end_reason=code(EndReason, "arbete-med-stod"),
        supply_after=[code(SupplyType, "lon")],
        works_after=True,
        work_or_studies_increased=True,
    )
    e.refresh_from_db()
    assert e.end_reason.code == "arbete-med-stod" and e.works_after
    assert list(e.supply_after.values_list("code", flat=True)) == ["lon"]
    latest, previous = e.history.all()[:2]
    assert latest.history_user == registrator
    changed = {c.field for c in latest.diff_against(previous).changes}
    assert {"end_date", "end_reason", "works_after"} <= changed


def test_only_registrators_of_the_insats_may_register(insats, manager, forbund):
    other = make_insats(forbund, "Samverkansteam Säter")
    outsider = make_user("coach2", Role.REGISTRATOR, insats=other)
    for user in (manager, outsider):
        with pytest.raises(PermissionDenied):
            enrol(user, insats)
    assert not Enrolment.objects.exists()


def test_anonymous_keeps_only_gender_and_year(registrator, insats):
    a = services.register_anonymous(
        user=registrator, insats=insats, gender="K", start_year=2022, reason="skyddad"
    )
    assert {f.name for f in AnonymousEnrolment._meta.get_fields()} == {
        "id",
        "insats",
        "gender",
        "start_year",
        "reason",
        "created_at",
    }
    assert a.pk
    with pytest.raises(ValidationError):
        services.register_anonymous(
            user=registrator,
            insats=insats,
            gender="K",
            start_year=dt.date.today().year + 1,
            reason="skyddad",
        )


def test_volume_counts_only_for_volume_insatser(forbund, manager, insats):
    volume = make_insats(forbund, "Rådgivande ärende", method=FollowUpMethod.VOLUME)
    chef = make_user("chef2", Role.INSATS_MANAGER, forbund=forbund)
    services.record_volume_count(
        user=chef,
        insats=volume,
        period_start=dt.date(2019, 1, 1),
        period_end=dt.date(2019, 12, 31),
        gender="X",
        count=163,
    )
    # Recording the same period again replaces the count.
    services.record_volume_count(
        user=chef,
        insats=volume,
        period_start=dt.date(2019, 1, 1),
        period_end=dt.date(2019, 12, 31),
        gender="X",
        count=160,
    )
    assert list(VolumeCount.objects.values_list("count", flat=True)) == [160]
    with pytest.raises(ValidationError):
        services.record_volume_count(
            user=manager,
            insats=insats,
            period_start=dt.date(2019, 1, 1),
            period_end=dt.date(2019, 12, 31),
            gender="K",
            count=1,
        )


def test_structural_insats_must_be_volume_followed(forbund):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_insats(
            forbund, "Utbildning", kind=InsatsKind.STRUCTURAL, method=FollowUpMethod.PERSONAL
        )


def test_start_fields_factory_is_valid(registrator, insats):
    assert enrol(
        registrator, insats, **{k: v for k, v in start_fields().items() if k == "first_name"}
    ).pk


def test_one_history_record_per_registration_and_change(registrator, insats):
    e = enrol(registrator, insats)
    assert e.history.count() == 1
    services.update_enrolment(
        user=registrator,
        enrolment=e,
        notes="Studiebesök gjort",
        supply_before=[code(SupplyType, "sjukpenning")],
    )
    assert e.history.count() == 2
    latest, first = e.history.all()[:2]
    changes = {c.field: c for c in latest.diff_against(first).changes}
    assert set(changes) == {"notes", "supply_before"}
