"""Who may do what where (role assignments) and who read which personal data (access log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import simple_history
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samspar.access.apitokens import ApiToken
from samspar.access.append_only import AppendOnlyModel, AppendOnlyQuerySet
from samspar.access.scoping import Role
from samspar.access.security_log import SecurityEvent

__all__ = ["ROLE_LABELS", "AccessLog", "ApiToken", "RoleAssignment", "SecurityEvent"]

if TYPE_CHECKING:
    from samspar.registry.models import Person

ROLE_LABELS = {
    Role.REGISTRATOR: _("Participant registrar (deltagaransvarig)"),
    Role.INSATS_MANAGER: _("Insats manager (insatsansvarig)"),
    Role.FORBUND_ADMIN: _("Förbund administrator/analyst"),
    Role.BOARD: _("Board/party (reads reports)"),
    Role.SYSADMIN: _("System administrator"),
    Role.DPO: _("Data protection officer (dataskyddsombud)"),
}


class RoleAssignment(models.Model):
    """One role of one user, scoped to an insats or a whole förbund.

    A registrar is always scoped to single insatser; a förbund administrator, a board
    member and a data protection officer to a förbund; an insats manager to either; a
    system administrator to nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    forbund = models.ForeignKey(
        "organisation.Forbund",
        models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("samordningsförbund"),
    )
    insats = models.ForeignKey(
        "organisation.Insats", models.CASCADE, null=True, blank=True, verbose_name=_("insats")
    )
    # Who gave or took which role when (admin site, command line or code).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.REGISTRATOR, insats__isnull=False, forbund__isnull=True)
                    | Q(role=Role.INSATS_MANAGER, insats__isnull=False, forbund__isnull=True)
                    | Q(role=Role.INSATS_MANAGER, insats__isnull=True, forbund__isnull=False)
                    | Q(
                        role__in=[Role.FORBUND_ADMIN, Role.BOARD, Role.DPO],
                        insats__isnull=True,
                        forbund__isnull=False,
                    )
                    | Q(role=Role.SYSADMIN, insats__isnull=True, forbund__isnull=True)
                ),
                name="roleassignment_scope_fits_role",
            ),
            # One constraint per scope shape: SQLite has no NULLS NOT DISTINCT.
            models.UniqueConstraint(
                fields=["user", "role", "insats"],
                condition=Q(insats__isnull=False),
                name="roleassignment_unique_insats",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "forbund"],
                condition=Q(forbund__isnull=False),
                name="roleassignment_unique_forbund",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(insats__isnull=True, forbund__isnull=True),
                name="roleassignment_unique_global",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.insats or self.forbund or '–'}"


class AccessLog(AppendOnlyModel):
    """One read of personal data: who, what, when and why (DOMAIN.md §2).

    ``persons`` are the persons whose data the read showed (every row of a list or
    search, the one person of a record or register extract). ``user`` is empty for the
    server operator on the command line. Append-only: see ``AccessLogQuerySet``, ``save``
    and ``delete`` here, and on PostgreSQL the trigger of migration 0004.
    """

    class Kind(models.TextChoices):
        LIST = "list", _("Participant list")
        SEARCH = "search", _("Search")  # before searches were told apart
        SEARCH_PERSONNUMMER = "search_pnr", _("Search by personnummer")
        SEARCH_NAME = "search_name", _("Search by name")
        DETAIL = "detail", _("Participant record")
        HISTORY = "history", _("Change history")
        EXTRACT = "extract", _("Register extract")
        LOG_LOOKUP = "log_lookup", _("Access log look-up of a person")
        IMPORT = "import", _("Import check")
        EXPORT = "export", _("Full export of the förbund")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    insats = models.ForeignKey("organisation.Insats", models.PROTECT, related_name="+")
    persons: models.ManyToManyField[Person, AccessLogPerson] = models.ManyToManyField(
        "registry.Person", through="AccessLogPerson", related_name="+", blank=True
    )
    records = models.PositiveIntegerField(_("records shown"), default=0)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100)

    objects = AppendOnlyQuerySet["AccessLog"].as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")


class AccessLogPerson(AppendOnlyModel):
    """One person shown by one read of the access log."""

    entry = models.ForeignKey(AccessLog, models.CASCADE, related_name="shown")
    person = models.ForeignKey("registry.Person", models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet["AccessLogPerson"].as_manager()

    class Meta:
        verbose_name = _("person shown")
        verbose_name_plural = _("persons shown")
        constraints = [
            models.UniqueConstraint(fields=["entry", "person"], name="accesslogperson_unique")
        ]


# Every change of a user account with who made it; never the password hash (an old hash
# must not outlive its password) nor the time of the last log-in (the security log has it).
simple_history.register(
    User,
    app="samspar.access",
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups", "user_permissions"],
)
