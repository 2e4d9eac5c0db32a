"""The shipped dataset: CSV files under ``data/`` that seed a new database.

``read_dataset`` validates every file against the pandera models of ``schemas``
and refuses the whole dataset, naming file, row and column of each problem,
before anything is written anywhere. ``build_from_legacy`` rebuilds the same
files from the council's legacy scorecard export.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kpicore.files import DATA_DIR, legacy
from kpicore.files.csv_writer import write_csv
from kpicore.problems import Problem, ValidationFailed, numbers_or_problems, problems_from
from schemas import AreaModel, ComparatorModel, MeasureModel, ObservationModel, TargetModel

FILES = ("areas", "measures", "targets", "comparators", "observations")
LEGACY_EXPORT = "legacy/scorecard-2022-11.txt"
LEGACY_OVERRIDES = "legacy/overrides.csv"

_BOOLEAN = {"true": True, "false": False}
# Columns joined from the catalogue for a cross-table check: never the user's to fix.
_JOINED_TO_TARGETS = ("polarity",)
_JOINED_TO_OBSERVATIONS = ("unit", "lower_bound", "upper_bound")


def build_from_legacy(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """The dataset tables as read from the legacy export and its overrides in ``data_dir``."""
    rows = legacy.read_rows(data_dir / LEGACY_EXPORT)
    overrides = pd.read_csv(data_dir / LEGACY_OVERRIDES, dtype=str)
    return legacy.to_dataset(rows, overrides)


def write_dataset(tables: dict[str, pd.DataFrame], data_dir: Path) -> None:
    """Write each table as ``<name>.csv`` with the one CSV writer (the project's own data: no formula prefix)."""
    for name in FILES:
        (data_dir / f"{name}.csv").write_bytes(write_csv(tables[name], for_spreadsheets=False))


def validate_table(
    model, frame: pd.DataFrame, source: str, checks: dict | None = None, joined: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, list[Problem]]:
    numeric = [name for name, column in model.to_schema().columns.items() if str(column.dtype).startswith(("float", "int"))]
    frame, problems = numbers_or_problems(frame, numeric, source)
    schema = model.to_schema()
    for column, allowed in (checks or {}).items():
        schema = schema.update_column(
            column, checks=[*schema.columns[column].checks, pa.Check.isin(sorted(allowed), name="known")]
        )
    try:
        return schema.validate(frame, lazy=True), problems
    except pa.errors.SchemaErrors as errors:
        problems += problems_from(errors, frame, source)
        return frame, [p for p in problems if p.column not in joined]


def validate_tables(raw: dict[str, pd.DataFrame], source: str = "data") -> dict[str, pd.DataFrame]:
    """Validate the dataset tables together; raise ``ValidationFailed`` listing every problem."""
    problems: list[Problem] = []
    areas, found = validate_table(AreaModel, raw["areas"], f"{source}/areas.csv")
    problems += found

    measures = raw["measures"].copy()
    if "retired_from" not in measures:  # a dataset written before measures could retire
        measures["retired_from"] = None
    if "killer_kpi" in measures:
        measures["killer_kpi"] = measures["killer_kpi"].map(
            lambda v: _BOOLEAN.get(str(v).strip().lower(), v)
        )
    measures, found = validate_table(
        MeasureModel,
        measures,
        f"{source}/measures.csv",
        {"area_id": set(raw["areas"].get("area_id", []))},
    )
    problems += found
    catalogue = raw["measures"].set_index("measure_id") if "measure_id" in raw["measures"] else pd.DataFrame()
    known = set(catalogue.index)

    targets = raw["targets"].copy()
    targets["polarity"] = targets["measure_id"].map(catalogue.get("polarity", pd.Series(dtype=str))).fillna("higher")
    targets, found = validate_table(
        TargetModel, targets, f"{source}/targets.csv", {"measure_id": known}, _JOINED_TO_TARGETS
    )
    problems += found

    comparators, found = validate_table(
        ComparatorModel, raw["comparators"], f"{source}/comparators.csv", {"measure_id": known}
    )
    problems += found

    observations = raw["observations"].copy()
    for column in ("commentary", "performance_group"):
        if column not in observations:
            observations[column] = None
    for column, default in zip(_JOINED_TO_OBSERVATIONS, ("percent", None, None)):
        joined = observations["measure_id"].map(catalogue.get(column, pd.Series(dtype=str)))
        observations[column] = joined if default is None else joined.fillna(default)
    observations, found = validate_table(
        ObservationModel, observations, f"{source}/observations.csv", {"measure_id": known}, _JOINED_TO_OBSERVATIONS
    )
    problems += found
    if problems:
        raise ValidationFailed(problems)
    return {
        "areas": areas,
        "measures": measures,
        "targets": targets.drop(columns="polarity"),
        "comparators": comparators,
        "observations": observations.drop(columns=["unit", "lower_bound", "upper_bound"]),
    }


def read_dataset(data_dir: Path = DATA_DIR) -> dict[str, pd.DataFrame]:
    """Read and validate the dataset CSVs in ``data_dir``; nothing is written."""
    missing = [name for name in FILES if not (data_dir / f"{name}.csv").exists()]
    if missing:
        raise ValidationFailed(
            [Problem(f"{data_dir}/{name}.csv", None, None, "", "file is missing") for name in missing]
        )
    raw = {
        name: pd.read_csv(data_dir / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
        for name in FILES
    }
    return validate_tables(raw, str(data_dir))
