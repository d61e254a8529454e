"""The team's annual report texts: who may write them, and every version is kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspar.access.scoping import Role
from samspar.annual.models import ChapterText
from samspar.annual.services import save_chapter_text
from tests.factories import make_insats, make_user


def _save(user, insats, **overrides):
    values: dict[str, Any] = {
        "year": 2022,
        "chapter": "participants-process",
        "description": "Studiebesök är obligatoriskt.",
        "reflection": "Grupperna fungerar bra.",
    }
    values.update(overrides)
    return save_chapter_text(user=user, insats=insats, **values)


def test_registrator_and_manager_write_and_every_version_is_kept(insats, registrator, manager):
    _save(registrator, insats)
    text = _save(manager, insats, reflection="Grupperna fungerar mycket bra.")
    assert ChapterText.objects.count() == 1
    assert [h.reflection for h in text.history.order_by("history_date")] == [
        "Grupperna fungerar bra.",
        "Grupperna fungerar mycket bra.",
    ]
    assert text.history.latest().history_user == manager


def test_an_unchanged_save_adds_no_version(insats, registrator):
    _save(registrator, insats)
    _save(registrator, insats, description="  Studiebesök är obligatoriskt. ")
    assert ChapterText.history.count() == 1


def test_board_and_other_insatser_may_not_write(forbund, insats):
    board = make_user("styrelse", Role.BOARD, forbund=forbund)
    other_coach = make_user("annan", Role.REGISTRATOR, insats=make_insats(forbund, "Säter"))
    for user in (board, other_coach):
        with pytest.raises(PermissionDenied):
            _save(user, insats)
    assert not ChapterText.objects.exists()


def test_unknown_chapter_and_bad_year_are_refused(insats, registrator):
    with pytest.raises(ValidationError) as error:
        _save(registrator, insats, chapter="nonsense", year=1999)
    assert set(error.value.message_dict) == {"chapter", "year"}
    assert not ChapterText.objects.exists()


def test_only_a_chapter_with_an_analysis_takes_one(insats, registrator):
    text = _save(registrator, insats, chapter="staff-results", analysis="En stabil personalgrupp.")
    assert text.analysis == "En stabil personalgrupp."
    _save(registrator, insats, chapter="staff-results", analysis=" En stabil personalgrupp. ")
    assert text.history.count() == 1  # unchanged, analysis included
    _save(registrator, insats, chapter="staff-results", analysis="En annan analys.")
    assert text.history.count() == 2
    with pytest.raises(ValidationError) as error:
        _save(registrator, insats, chapter="participants-process", analysis="Nej.")
    assert set(error.value.message_dict) == {"analysis"}
    assert not ChapterText.objects.filter(chapter="participants-process").exists()
