"""Registered values that do not add up (docs/data-model.md, "Values that do not add
up"): what the forms refuse, and what the participant's page warns about."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext as _

from samspar.codelists.models import ResultGroup

if TYPE_CHECKING:
    from samspar.codelists.models import EndReason
    from samspar.registry.models import Enrolment


def end_problems(
    end_reason: EndReason | None, works_after: bool, studies_after: bool
) -> dict[str, str]:
    """An end reason of work or studies says the participant works or studies after:
    the box must say so too. {field: why}."""
    if end_reason is None:
        return {}
    boxes = {
        ResultGroup.WORK: (
            "works_after",
            works_after,
            _(
                "The end reason %(reason)s means the participant works after the insats: "
                "tick “Works after”, or choose another end reason."
            ),
        ),
        ResultGroup.STUDIES: (
            "studies_after",
            studies_after,
            _(
                "The end reason %(reason)s means the participant studies after the "
                "insats: tick “Studies after”, or choose another end reason."
            ),
        ),
    }
    if end_reason.result_group not in boxes:
        return {}
    field, ticked, message = boxes[ResultGroup(end_reason.result_group)]
    return {} if ticked else {field: message % {"reason": end_reason.label}}


def warnings(enrolment: Enrolment) -> list[str]:
    """What is saved but looks wrong: the consent dated after the start (possible — a
    consent signed on the second meeting — but worth a look), and an end reason the
    after-variables contradict (history imported so)."""
    found = []
    consent, start = enrolment.consent_date, enrolment.start_date
    if consent is not None and consent > start:
        found.append(
            _("The consent is dated %(consent)s, after the start %(start)s: check the dates.")
            % {
                "consent": formats.date_format(consent, "Y-m-d"),
                "start": formats.date_format(start, "Y-m-d"),
            }
        )
    if enrolment.end_date is not None:
        found += end_problems(
            enrolment.end_reason, enrolment.works_after, enrolment.studies_after
        ).values()
    return found
