"""Resolving measure names and ids: the measure a row is for, by id or by its exact name."""

from __future__ import annotations

import pandas as pd

from kpicore.files.upload.cells import blank, shown


class MeasureResolver:
    """A measure by id or by its exact name (surrounding spaces ignored), from either column."""

    def __init__(self, measures: pd.DataFrame):
        self.ids = set(measures["measure_id"])
        self.by_name = dict(zip(measures["name"].str.strip(), measures["measure_id"]))
        self.by_folded = {n.casefold(): n for n in self.by_name}
        self.units = dict(zip(measures["measure_id"], measures["unit"]))

    def unit(self, measure_id: str) -> str:
        return self.units[measure_id]

    def _one(self, text: str) -> tuple[str | None, str | None]:
        text = text.strip()
        if text in self.ids:
            return text, None
        if text in self.by_name:
            return self.by_name[text], None
        near = self.by_folded.get(text.casefold())
        if near:
            return None, f"is not a measure: names must match exactly (did you mean '{near}'?)"
        return None, "is not a measure of the catalogue: use the measure_id from the template, or the measure's exact name"

    def resolve(self, cells: dict[str, object], headers: dict[str, str]) -> tuple[str | None, str, str, str | None]:
        """``(measure_id, column, text, problem)``."""
        given = {key: shown(cell) for key, cell in cells.items() if not blank(cell)}
        if not given:
            column = headers.get("measure_id") or headers.get("measure")
            return None, column, "", "is required: the measure_id, or the measure's exact name"
        found: dict[str, str] = {}
        for key, text in given.items():
            measure_id, problem = self._one(text)
            if problem:
                return None, headers[key], text, problem
            found[key] = measure_id
        if len(set(found.values())) > 1:
            return None, headers["measure"], given["measure"], (
                f"names a different measure from the measure_id '{given['measure_id']}' on the same row: "
                "correct one of them"
            )
        key = "measure_id" if "measure_id" in found else "measure"
        return found[key], headers[key], given[key], None
