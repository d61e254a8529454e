"""An import's run (its report) and the column and value mapping a förbund saved."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samspar.core import crypto


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    WRITE_QUEUED = "write_queued", _("Waiting to be imported")
    WRITING = "writing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")
    DISCARDED = "discarded", _("Discarded")


RUNNING = (Status.QUEUED, Status.CHECKING, Status.WRITE_QUEUED, Status.WRITING)


class ImportRun(models.Model):
    """One uploaded file: its dry run and, once confirmed, its import.

    The file's bytes are kept only until the import is written, fails or is discarded
    (they hold personal data); the report (counts, errors) stays. Both the file and the
    error list (whose values may be personnummer) are encrypted at rest like the
    identity numbers (``core.crypto``, ``SAMSPAR_FIELD_KEY``)."""

    insats = models.ForeignKey(
        "organisation.Insats", models.PROTECT, related_name="+", verbose_name=_("insats")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("file SHA-256"), max_length=64)
    # The file, encrypted (see ``file_bytes``).
    data = models.BinaryField(null=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    written_at = models.DateTimeField(_("imported"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    to_create = models.PositiveIntegerField(_("to create"), default=0)
    to_update = models.PositiveIntegerField(_("to update"), default=0)
    to_skip = models.PositiveIntegerField(_("to skip"), default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # The encrypted JSON of [{"row": 3, "column": "Personnummer", "value": "…",
    # "reason": "…"}, …] (see ``errors``).
    errors_encrypted = models.TextField(blank=True, editable=False)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # Headings matched to no variable, and values of code columns matched to no code:
    # what the mapping page asks about. {"headings": [...], "values": {"key": [...]}}
    unknown = models.JSONField(default=dict)
    # The id of the task (django_tasks_db's DBTaskResult) last queued for the run: the
    # page tells a run waiting for a worker from one whose worker was stopped.
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # When the retention period removed the error list and the unknown values (the
    # counts stay): ``services.remove_expired_personal_data``, run by ``samspar gallring``.
    personal_data_removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def set_file(self, data: bytes | None) -> None:
        # latin-1 maps every byte to one character and back.
        self.data = None if data is None else crypto.encrypt(data.decode("latin-1")).encode()

    def file_bytes(self) -> bytes:
        if self.data is None:
            return b""
        return crypto.decrypt(bytes(self.data).decode()).encode("latin-1")

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The error list; empty if it was written under a key that is gone."""
        if not self.errors_encrypted:
            return []
        try:
            value: list[dict[str, Any]] = json.loads(crypto.decrypt(self.errors_encrypted))
        except InvalidToken:
            return []
        return value

    @errors.setter
    def errors(self, value: list[dict[str, Any]]) -> None:
        self.error_count = len(value)
        self.errors_encrypted = crypto.encrypt(json.dumps(value)) if value else ""

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def percent(self) -> int:
        if self.status in (Status.DONE, Status.CHECKED):
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class ImportMapping(models.Model):
    """How a förbund's own sheets of one kind map to Samspår's variables, saved from the
    mapping page and used by every later import of that kind in the förbund.

    ``columns``: {normalised heading: variable key or "" (ignore)};
    ``values``: {variable key: {normalised value: code}}."""

    forbund = models.ForeignKey("organisation.Forbund", models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20)
    columns = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(fields=["forbund", "kind"], name="importmapping_unique")
        ]
