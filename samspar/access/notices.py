"""Tell a user that their password was changed: by e-mail at once, and at each log-in.

The e-mail goes to the account's address (if it has one) through Django's e-mail
backend. The notice at log-in lists every change of the password or of the two-factor
log-in of the last ``NOTICE_DAYS`` days that someone else made (an administrator, the
command line), so an administrator who sets a password, or a device or recovery code,
and logs in as its owner cannot hide it from the owner.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from samspar.access.security_log import SecurityEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NOTICE_DAYS = 14

logger = logging.getLogger(__name__)


def _when(event: SecurityEvent) -> str:
    return str(formats.date_format(timezone.localtime(event.at), "Y-m-d H:i"))


_TWO_FACTOR_CHANGES = (
    SecurityEvent.Kind.TWO_FACTOR_ENROLLED,
    SecurityEvent.Kind.TWO_FACTOR_REMOVED,
    SecurityEvent.Kind.RECOVERY_CODES,
)


def password_change_notices(user: User) -> list[str]:
    """A sentence for each change of the user's password or two-factor log-in by someone
    else, lately."""
    since = timezone.now() - dt.timedelta(days=NOTICE_DAYS)
    events = SecurityEvent.objects.filter(
        username=user.get_username(),
        kind__in=[SecurityEvent.Kind.PASSWORD_CHANGED, *_TWO_FACTOR_CHANGES],
        at__gte=since,
    ).exclude(actor="")
    notices = []
    for event in events:
        values = {"when": _when(event), "actor": event.actor, "what": event.get_kind_display()}
        if event.kind == SecurityEvent.Kind.PASSWORD_CHANGED:
            text = _(
                "Your password was changed on %(when)s by %(actor)s. If you did not ask for "
                "this, tell your administrator at once."
            )
        else:
            text = _(
                "Your two-factor log-in was changed on %(when)s by %(actor)s (%(what)s). If "
                "you did not ask for this, tell your administrator at once."
            )
        notices.append(text % values)
    return notices


def tell_owner_password_changed(user: User, event: SecurityEvent) -> None:
    """E-mail the account's owner; a failing mail server must not undo the change."""
    if not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your password in Samspår was changed")
        by = event.actor or user.get_username()
        body = _(
            "Hello %(name)s,\n\nthe password of your Samspår account %(username)s was "
            "changed on %(when)s by %(by)s.\n\nIf you did not do this or ask for it, tell "
            "your administrator at once.\n"
        ) % {
            "name": user.get_full_name() or user.get_username(),
            "username": user.get_username(),
            "when": _when(event),
            "by": by,
        }
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        logger.exception("Could not e-mail user %s about their password change", user.pk)
