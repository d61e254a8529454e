"""A new version of the shipped value sets of 2025 and 2026 (issue 13, item 2).

The corrected values: the guarantee levels of sjukersättning (2,78 prisbasbelopp from
age 30) and aktivitetsersättning (2,48–2,73 by age, the default 2,58 at 23–24) as in
force since 2022, the average wage from the 2024 outcome, försörjningsstöd as the
average paid per adult recipient and month, studiemedel per calendar month of study,
etableringsersättning at 308 kr × 5 × 52/12, the municipal tax of 2026 (32,38 %), the
age-banded keys (aktivitetsersättning by age; the employer contributions of 19–23-year-
olds from 1 April 2026 with their ceiling, and of the oldest), and every value's
provenance (what it is, source and date, uprating, status) in its source text.

As 0010: per price year the newest shipped version is compared with the JSON and, when
any value differs, version + 1 is added ``based_on`` it; earlier versions, and the
evaluations that use them, stay as they were. A fresh database (0002 has just loaded
the current JSON) gets no second version.
"""

from importlib import import_module

from django.db import migrations

add_changed_versions = import_module(
    "samspar.economics.migrations.0010_shipped_values_new_version"
).add_changed_versions


class Migration(migrations.Migration):
    dependencies = [("economics", "0014_drop_off_measured")]
    operations = [migrations.RunPython(add_changed_versions, migrations.RunPython.noop)]
