"""The list of reports: each is a name, a title and the figure selectors it shows.

Pages, exports, the CLI and the API all look reports up here, so a figure has one
definition wherever it appears (docs/definitions.md explains each one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from samspar.reports.figures import (
    background,
    follow_up,
    geography,
    organisation,
    outcomes,
    overview,
    participants,
    questions,
)
from samspar.reports.scope import ReportScope, publication_period_problems
from samspar.reports.tables import Report, Table, Text

# A figure selector gives one table, or one per something the scope decides (the
# follow-up points of its insatser, the questions they ask).
Selector = Callable[[ReportScope], Table | list[Table]]


@dataclass(frozen=True)
class ReportSpec:
    key: str
    title: Text
    description: Text
    selectors: Sequence[Selector]
    figures: str  # the DOMAIN.md §4 numbers it answers, e.g. "1, 2"; "" for none
    # Its counts are per calendar year or are not counts of participants (the trend,
    # budget, staff): a reader without exact counts may choose several whole calendar
    # years, which give no count that the single years do not.
    whole_years: bool = False
    # Sections of docs/definitions.md its help page shows besides those of its figures
    # (their titles' beginnings).
    definitions: tuple[str, ...] = ()

    def period_problems(self, scope: ReportScope) -> dict[str, str]:
        """What keeps ``scope``'s period from being one this report may cover for its
        reader: any period for exact counts, a publication period otherwise
        (``scope.publication_period_problems``). The report pages, downloads, API and
        ``samspar report`` all ask here."""
        if scope.sees_exact_counts():
            return {}
        return publication_period_problems(
            scope.date_from, scope.date_to, whole_years=self.whole_years
        )

    def build(self, scope: ReportScope) -> Report:
        """The report as the scope's reader may see it: unless
        ``scope.sees_exact_counts()``, small counts suppressed and the shown counts
        perturbed by their cell keys (reports.perturbation)."""
        from samspar.reports.perturbation import perturb
        from samspar.reports.suppression import Built, suppress, threshold

        if scope.sees_exact_counts():
            return self.compute(scope)
        anyone = scope.for_any_reader()
        report = self.compute(anyone)
        suppress([Built(report, anyone)])
        perturb(report.tables, threshold(anyone))
        return report

    def compute(self, scope: ReportScope) -> Report:
        """The report with exact counts, for suppression to start from."""
        tables: list[Table] = []
        for selector in self.selectors:
            made = selector(scope)
            tables += made if isinstance(made, list) else [made]
        return Report(self.key, self.title, tables, self.description)


REPORTS: dict[str, ReportSpec] = {
    spec.key: spec
    for spec in [
        ReportSpec(
            "deltagare",
            _("Participants"),
            _("Worked with, new, ended and active, by gender and follow-up method."),
            [participants.participant_counts, participants.participants_by_method],
            "1",
        ),
        ReportSpec(
            "resultat",
            _("Results"),
            _("Where the ended went, and the result towards goal."),
            [participants.results],
            "2",
        ),
        ReportSpec(
            "efter-insats",
            _("Work and studies after the insats"),
            _(
                "The ended who work and/or study after the insats, or whose work or studies "
                "started or increased in extent."
            ),
            [outcomes.works_or_studies_after],
            "3",
        ),
        ReportSpec(
            "genomstromning",
            _("Throughput time"),
            _(
                "Mean months from start to end of the ended, early dropouts excluded, in all "
                "and of those who ended towards the goal; per team; and over rolling "
                "12-month periods."
            ),
            [outcomes.throughput, outcomes.throughput_by_team, outcomes.throughput_rolling],
            "4",
        ),
        ReportSpec(
            "forsorjningstid",
            _("Time in public support before"),
            _("Mean years in public support before the insats, and their distribution."),
            [background.public_support_years, background.public_support_distribution],
            "5",
        ),
        ReportSpec(
            "alder",
            _("Age"),
            _("Age at start: mean, youngest, oldest, under 30, and by age group."),
            [background.age_summary, background.age_distribution],
            "6",
        ),
        ReportSpec(
            "utbildning",
            _("Education level"),
            _("Highest completed education level."),
            [background.education_distribution],
            "7",
        ),
        ReportSpec(
            "tid-i-insats",
            _("Time in the insats"),
            _("How long the ended took part, in intervals of months."),
            [outcomes.time_in_insats],
            "8",
        ),
        ReportSpec(
            "avslutsanledningar",
            _("End reasons"),
            _("Why enrolments ended, one reason per ended enrolment."),
            [outcomes.end_reasons],
            "9",
        ),
        ReportSpec(
            "uppfoljning",
            _("Follow-up after exit"),
            _(
                "The situation of the ended at each follow-up point after the end (6 and 12 "
                "months unless the insats says otherwise): how many were reached, and how "
                "many of them work or study, by gender and by where they went at the end."
            ),
            [follow_up.tables],
            "",
            definitions=("Follow-up after exit",),
        ),
        ReportSpec(
            "fragor",
            _("The förbund's questions"),
            _(
                "The answers to the förbund's own questions (kompletterande frågor) of each "
                "insats, by gender: how many were asked and how many gave each answer, and "
                "the mean of a number."
            ),
            [questions.tables],
            "",
            definitions=("The förbund's questions",),
        ),
        ReportSpec(
            "hemvist",
            _("Home municipality"),
            _("Participants of each insats by home municipality, in numbers and shares."),
            [geography.home_municipality],
            "10",
        ),
        ReportSpec(
            "inflode",
            _("Inflow"),
            _("Participants carried over from before the period and new in it, by municipality."),
            [geography.inflow],
            "11",
        ),
        ReportSpec(
            "remittenter",
            _("Referring actors"),
            _(
                "Who referred the participants, with sub-categories, and who paid their "
                "support before the insats."
            ),
            [background.referring_actors, background.referrers_by_supply],
            "12",
        ),
        ReportSpec(
            "utflode",
            _("Outflow"),
            _("The ended by home municipality, and where they went."),
            [geography.outflow],
            "13",
        ),
        ReportSpec(
            "budgeterat-utfall",
            _("Budgeted and actual participants"),
            _(
                "Budgeted and actual participants of each insats: individual-oriented "
                "(with personal data, anonymous, volume-registered) and structural."
            ),
            [organisation.budgeted_individual, organisation.budgeted_structural],
            "14",
        ),
        ReportSpec(
            "jamforelse",
            _("Comparison between förbund and counties"),
            _(
                "Insatser, budgeted and actual participants, new, ended, anonymous and "
                "volume-registered, per förbund and per county."
            ),
            [organisation.forbund_comparison, organisation.county_comparison],
            "15",
        ),
        ReportSpec(
            "trend",
            _("Trend over the years"),
            _(
                "Participants, ended, result towards goal and throughput time per year, with "
                "the change since a base year."
            ),
            [organisation.trend],
            "16",
            whole_years=True,
        ),
        ReportSpec(
            "oversikt",
            _("Overview over the years and teams"),
            _(
                "Participants and ended per year with the change since a base year, each "
                "team's result towards goal and throughput time in the latest year, and the "
                "time in public support before of each year's ended."
            ),
            [organisation.trend, overview.latest_year_by_team, overview.support_by_year],
            "2, 4, 5, 16",
            whole_years=True,
            definitions=("Overview over the years and teams",),
        ),
        ReportSpec(
            "budget",
            _("Budget outcome"),
            _("Budget, outcome and remaining per cost category."),
            [organisation.budget],
            "17",
            whole_years=True,
        ),
        ReportSpec(
            "personal-vantelista",
            _("Staff and waiting list"),
            _(
                "Staff and full-time equivalents per employing party, each staff member, and "
                "the waiting list at the end of the period."
            ),
            [organisation.staff, organisation.staff_list, organisation.waiting_list],
            "18",
            whole_years=True,
        ),
    ]
}


def get_report(key: str) -> ReportSpec:
    try:
        return REPORTS[key]
    except KeyError:
        raise KeyError(f"unknown report {key!r}; known: {', '.join(REPORTS)}") from None
