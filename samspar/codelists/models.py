"""Code lists: data with stable codes and Swedish/English labels.

Reports and the economics model refer to entries by ``code`` (stable across
installations) and to the grouping columns below, never by label. The rows are
loaded from ``data/*.csv`` by a migration; see ``docs/codelists.md``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CodeListEntry(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_sv = models.CharField(_("Swedish label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv


class ReferringActor(CodeListEntry):
    """Remitterande/aktualiserande aktör; two levels (e.g. region → psykiatri)."""

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta(CodeListEntry.Meta):
        verbose_name = _("referring actor")
        verbose_name_plural = _("referring actors")

    @property
    def label(self) -> str:
        own = super().label
        return f"{self.parent.label}: {own}" if self.parent_id and self.parent else own


class Payer(models.TextChoices):
    """Who pays a supply type; the columns of seed 002's referrer × supply table."""

    KOMMUN = "kommun", _("Social services")
    FK = "fk", _("Social Insurance Agency")
    AF = "af", _("Public Employment Service")
    OTHER = "other", _("Other support")


class SupplyType(CodeListEntry):
    """Försörjning (source of livelihood) before/after an insats."""

    is_public = models.BooleanField(
        _("public support"), help_text=_("Counts as offentlig försörjning.")
    )
    payer = models.CharField(_("payer"), max_length=10, choices=Payer.choices, default=Payer.OTHER)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("supply type")
        verbose_name_plural = _("supply types")


class EducationLevel(CodeListEntry):
    class Meta(CodeListEntry.Meta):
        verbose_name = _("education level")
        verbose_name_plural = _("education levels")


class OccupationType(CodeListEntry):
    """Sysselsättning: work, studies, job seeking, none."""

    class Meta(CodeListEntry.Meta):
        verbose_name = _("occupation type")
        verbose_name_plural = _("occupation types")


class ResultGroup(models.TextChoices):
    """The columns of the results table (DOMAIN.md §4 #2)."""

    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    OTHER_REHAB = "other_rehab", _("Other work-oriented rehabilitation")
    COMPENSATION = "compensation", _("Sickness or activity compensation")
    OTHER = "other", _("Other")
    CANCELLED = "cancelled", _("Wrong registration")


class EndReason(CodeListEntry):
    result_group = models.CharField(_("result group"), max_length=20, choices=ResultGroup.choices)

    class Meta(CodeListEntry.Meta):
        verbose_name = _("end reason")
        verbose_name_plural = _("end reasons")


class CostCategory(CodeListEntry):
    class Meta(CodeListEntry.Meta):
        verbose_name = _("cost category")
        verbose_name_plural = _("cost categories")
