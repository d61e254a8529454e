import datetime as dt

from tests.factories import enrol


def test_registrator_can_enrol(registrator, insats):
    e = enrol(registrator, insats)
    assert e.person.birth_date == dt.date(1990, 3, 14)
    assert e.person.gender == "M"
    assert list(e.supply_before.values_list("code", flat=True)) == ["forsorjningsstod"]
