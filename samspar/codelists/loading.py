"""Load the shipped code lists and reference data from CSV (used by data migrations).

Loading is idempotent: rows are matched on their code and updated, so a later
migration can call it again after a CSV gains rows or new labels.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

CODELIST_DIR = Path(__file__).parent / "data"
REFERENCE_DIR = Path(__file__).parent.parent / "organisation" / "data"

# model name → CSV file; columns other than `code` are copied as they are.
CODELISTS = {
    "ReferringActor": "referring_actor.csv",
    "SupplyType": "supply_type.csv",
    "EducationLevel": "education_level.csv",
    "OccupationType": "occupation_type.csv",
    "EndReason": "end_reason.csv",
    "CostCategory": "cost_category.csv",
}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_codelists(apps: Any, schema_editor: Any = None) -> None:
    for model_name, filename in CODELISTS.items():
        model = apps.get_model("codelists", model_name)
        # A migration sees the model as it was then: copy only the columns it has.
        fields = {f.name for f in model._meta.get_fields()} - {"code", "parent"}
        for row in read_csv(CODELIST_DIR / filename):
            values: dict[str, Any] = {k: v for k, v in row.items() if k in fields}
            if "is_public" in values:
                values["is_public"] = values["is_public"] == "1"
            if row.get("parent"):
                values["parent"] = model.objects.get(code=row["parent"])
            model.objects.update_or_create(code=row["code"], defaults=values)


def load_counties_and_municipalities(apps: Any, schema_editor: Any = None) -> None:
    county = apps.get_model("organisation", "County")
    municipality = apps.get_model("organisation", "Municipality")
    for row in read_csv(REFERENCE_DIR / "counties.csv"):
        county.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    for row in read_csv(REFERENCE_DIR / "municipalities.csv"):
        municipality.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "county_id": row["county_code"]}
        )
