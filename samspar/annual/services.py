"""Writing the team's annual report texts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspar.access.scoping import Action, can
from samspar.annual.chapters import BY_CODE
from samspar.annual.models import ChapterText
from samspar.core import concurrency
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
    analysis: str = "",
    version: int | None = None,
) -> ChapterText:
    """Save one chapter's texts; an unchanged save writes no new version. Only a chapter
    with an *Analys* (Chapter.analysis) takes one.

    ``version`` is the version the caller's form was based on (0: no text yet); a save
    based on another one than the stored one is refused (``None``: no check). The text
    is re-read under a row lock; two first saves at once meet at the unique constraint
    and the second is refused the same way.
    """
    if not may_write(user, insats):
        raise PermissionDenied
    known = BY_CODE.get(chapter)
    if analysis.strip() and known is not None and not known.analysis:
        raise ValidationError({"analysis": _("This chapter has no analysis text.")})
    texts = (description.strip(), analysis.strip(), reflection.strip())
    rows = ChapterText.objects.select_for_update()
    text = rows.filter(insats=insats, year=year, chapter=chapter).first()
    stored = text.version if text else 0
    if text is None:
        text = ChapterText(insats=insats, year=year, chapter=chapter)
    elif (text.description, text.analysis, text.reflection) == texts:
        return text
    concurrency.check_version(stored, version)
    text.description, text.analysis, text.reflection = texts
    text.version = stored + 1
    text.updated_by_id = user.pk
    # The one constraint is the unique key: the insert below checks it, at the moment
    # it counts (a query now could miss a text another writer is saving).
    text.full_clean(validate_unique=False, validate_constraints=False)
    text._history_user = user  # type: ignore[attr-defined]
    with concurrency.unique_insert(concurrency.STALE_MESSAGE, code=concurrency.STALE_CODE):
        text.save()
    return text
