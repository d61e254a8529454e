"""The evaluation page as a board reads it (issue 13, item 8): one screen first — key
figures, the headline per actor, the chance of profit, the tornado — and the detailed
tables in sections that open on demand."""

import re

from samspar.economics import selectors
from samspar.economics.output import numbers
from tests.factories import make_type_case_evaluation
from tests.test_economics_services import shipped


def test_the_summary_comes_first_and_the_tables_behind_it(forbund, forbund_admin, client):
    evaluation = make_type_case_evaluation(forbund_admin, forbund, shipped())
    report = selectors.evaluation_report(evaluation)
    client.force_login(forbund_admin)
    page = client.get(f"/ekonomi/{evaluation.pk}/").content.decode()
    summary = page[page.index('id="board-summary"') : page.index("<details")]
    assert numbers.money(report.result.society.revenue) in summary
    assert "Sannolikhet för lönsamhet efter 5 år" in summary
    assert numbers.percent(report.simulation.chance_profitable) in summary
    assert 'id="tornado"' in summary and "<svg" in summary
    for label in ("Kommun", "Region", "Arbetsförmedlingen", "Individen"):
        assert label in summary
    # Every detailed table is in a section that opens on demand, none before the summary.
    assert 'id="table-' not in page[: page.index('id="board-summary"')]
    details = re.findall(r'<details class="card section[^"]*" id="section-(\w+)"', page)
    assert details[:5] == ["summary", "results", "uncertainty", "groups", "inputs"]
    for key in ("results", "items", "sensitivity", "assumptions", "values"):
        assert page.index(f'id="table-{key}"') > page.index("<details")
