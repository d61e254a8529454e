"""The annual report PDF prints the insats name as typed, whatever characters it holds
(issue #9, item 13: the name went through ``escapejs`` into CSS and ``-2+3`` printed as
``u002D2+3``), and a name cannot break out of the page's style sheet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samspar.access.scoping import Role
from tests.factories import make_forbund, make_insats, make_user
from tests.pdf_layout import page_texts
from tests.pdf_text import pdf_text

YEAR = 2022

NAMES = [
    "-2+3",
    "Team \"Ett\" & 'Två' <tre> a=b",
    # An attempt to close the CSS string and the @page rule and set a footer of its own.
    '"; } @page { @bottom-left { content: "UTBRUTEN" } } x { content: "',
    "Back\\slash \\\"quote\\' \\41 /* kommentar */ </style><b>fet</b>",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_the_footer_prints_the_insats_name_as_typed(client, name):
    insats = make_insats(make_forbund(), name)
    client.force_login(make_user("coach", Role.REGISTRATOR, insats=insats))
    response = client.get(reverse("annual-report-pdf", args=[insats.pk, YEAR]))
    assert response.status_code == 200

    pages = page_texts(response.content)
    assert len(pages) > 2
    footer = f"{name} · {YEAR}"
    # Every page after the title page has the footer with the whole name, exactly once.
    for page in pages[1:]:
        assert page.count(footer) == 1, page
        assert page.count(name) == 1, page
    # The footer is one line of text in the PDF, on every page but the title page.
    assert pdf_text(response.content).count(footer) == len(pages) - 1
    # Nothing of the name became CSS: no escape sequences, no footer of its own.
    text = "\n".join(pages)
    assert "u002D" not in text and "u0022" not in text
    for page in pages[1:]:
        assert page.count("UTBRUTEN") == name.count("UTBRUTEN")
