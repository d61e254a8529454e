"""Writing the team's annual report texts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from samspar.access.scoping import Action, can
from samspar.annual.models import ChapterText
from samspar.organisation.models import Insats


def may_write(user: AbstractBaseUser, insats: Insats) -> bool:
    """The team writes its report: its registrators and the insats's managers."""
    return can(user, Action.REGISTER, insats.pk) or can(user, Action.MANAGE, insats.pk)


@transaction.atomic
def save_chapter_text(
    *,
    user: AbstractBaseUser,
    insats: Insats,
    year: int,
    chapter: str,
    description: str,
    reflection: str,
) -> ChapterText:
    """Save one chapter's texts; an unchanged save writes no new version."""
    if not may_write(user, insats):
        raise PermissionDenied
    text = ChapterText.objects.filter(insats=insats, year=year, chapter=chapter).first()
    if text is None:
        text = ChapterText(insats=insats, year=year, chapter=chapter)
    elif (text.description, text.reflection) == (description.strip(), reflection.strip()):
        return text
    text.description = description.strip()
    text.reflection = reflection.strip()
    text.updated_by_id = user.pk
    text.full_clean()
    text._history_user = user  # type: ignore[attr-defined]
    text.save()
    return text
