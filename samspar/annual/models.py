"""The team's own texts of its annual report; the statistics are computed, never stored."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samspar.access.querysets import InsatsChildQuerySet
from samspar.annual.chapters import CHAPTER_CHOICES


class ChapterText(models.Model):
    """Beskrivning, Analys (in the chapters that have one) and Reflektion of one chapter
    of one insats's annual report for a year.

    Every saved version is kept (simple-history), so an earlier wording can be read back.
    """

    insats = models.ForeignKey("organisation.Insats", models.PROTECT, related_name="annual_texts")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    chapter = models.CharField(_("chapter"), max_length=40, choices=CHAPTER_CHOICES)
    description = models.TextField(_("description"), blank=True)
    analysis = models.TextField(_("analysis"), blank=True)
    reflection = models.TextField(_("reflection"), blank=True)
    # Incremented by every save (the edit form says 0 when there is no text yet); a save
    # based on another version than the stored one is refused (samspar.core.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", null=True
    )
    history = HistoricalRecords()

    objects = InsatsChildQuerySet["ChapterText"].as_manager()

    class Meta:
        ordering = ["insats", "year", "chapter"]
        verbose_name = _("annual report text")
        verbose_name_plural = _("annual report texts")
        constraints = [
            models.UniqueConstraint(fields=["insats", "year", "chapter"], name="chaptertext_unique")
        ]
