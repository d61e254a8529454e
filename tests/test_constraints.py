"""The invariants the database itself holds, whatever code writes."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from samspar.codelists.models import EndReason
from samspar.registry.models import Enrolment
from tests.factories import code, enrol


def _raw_update(enrolment, **fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.filter(pk=enrolment.pk).update(**fields)


@pytest.fixture
def enrolment(registrator, insats):
    return enrol(registrator, insats)


def test_end_before_start_is_refused_by_the_database(enrolment):
    _raw_update(enrolment, end_date=dt.date(2022, 2, 1), end_reason=code(EndReason, "arbete"))


def test_end_date_without_reason_is_refused(enrolment):
    _raw_update(enrolment, end_date=dt.date(2022, 6, 1))


def test_reason_without_end_date_is_refused(enrolment):
    _raw_update(enrolment, end_reason=code(EndReason, "arbete"))


def test_dropout_needs_an_end(enrolment):
    _raw_update(enrolment, early_dropout=True)


def test_referral_after_start_is_refused(enrolment):
    _raw_update(enrolment, referral_date=dt.date(2022, 4, 1))


def test_second_active_enrolment_is_refused_by_the_database(enrolment):
    copy = Enrolment.objects.get(pk=enrolment.pk)
    copy.pk = None
    copy.start_date = dt.date(2022, 5, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_re_enrolment_after_an_end_is_allowed(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        end_date=dt.date(2022, 4, 1), end_reason=code(EndReason, "avbrott")
    )
    copy = Enrolment.objects.get(pk=enrolment.pk)
    copy.pk = None
    copy.start_date, copy.end_date, copy.end_reason = dt.date(2022, 5, 1), None, None
    copy.save()
    assert Enrolment.objects.filter(person=enrolment.person).count() == 2
