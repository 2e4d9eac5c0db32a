"""Read a council's legacy scorecard spreadsheet, exported as tab-separated text.

The export has months as columns and is known to be messy (DESIGN.md section 2):
some rows sit one cell to the left (the measure name in the area column), some
carry one extra empty cell before their months, a count was printed with a
percent format, and polarity is not a column at all. Every row is therefore read
under each plausible alignment and kept only under the one where its own
"Change Since Last Month" and "Distance from target" reconcile with its values
and target. A row that reconciles under no alignment is refused.

Facts the sheet cannot carry (polarity where no tolerance shows it, a tolerance
printed on the wrong side, bounds above 100%) come from an overrides table, each
with a reason, so that every correction is written down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpicore.periods import QUARTER_END_MONTHS, parse_period
from kpicore.vocab import Frequency, Unit

RECONCILE_TOLERANCE = 0.15
KILLER_MARK = "ⓘ"
_COMPARATOR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%?\s*(?:\((.+)\))?\s*$")


class LegacyFormatError(ValueError):
    """A row of the legacy export that cannot be read with confidence."""


@dataclass
class LegacyRow:
    line: int
    area: str
    name: str
    killer_kpi: bool
    performance_group: str
    dot: str
    change: float | None
    distance: float | None
    values: dict[str, float]
    target: float | None
    tolerance: float | None
    comparator: str
    unit: Unit
    alignment: str
    months: list[str]
    notes: list[str] = field(default_factory=list)


def _number(cell: str) -> float | None:
    text = cell.strip().replace("%", "")
    return float(text) if text else None


def _frequency(periods: list[str]) -> Frequency:
    months = {int(p[5:7]) for p in periods}
    if len(periods) >= 2 and months <= set(QUARTER_END_MONTHS):
        return Frequency.QUARTERLY
    return Frequency.MONTHLY


def _reconciles(
    values: dict[str, float],
    months: list[str],
    target: float | None,
    change: float | None,
    distance: float | None,
    frequency: Frequency,
) -> bool:
    latest = values.get(months[-1])
    previous_index = len(months) - 1 - frequency.step_months
    previous = values.get(months[previous_index]) if previous_index >= 0 else None
    if change is not None:
        if latest is None or previous is None:
            return False
        if abs((latest - previous) - change) > RECONCILE_TOLERANCE:
            return False
    if distance is not None:
        if latest is None or target is None:
            return False
        if abs((latest - target) - distance) > RECONCILE_TOLERANCE:
            return False
    return True


def _read_row(cells: list[str], line: int, area: str, months: list[str]) -> LegacyRow:
    """The row under the first alignment whose change and distance reconcile (``LegacyFormatError`` if none)."""
    alignment = "as printed"
    if not cells[1].strip() and cells[0].strip():
        cells = ["", *cells]
        alignment = "shifted one cell left (name in the area column)"
    cells = cells + [""] * (24 - len(cells))
    for offset in (0, 1):  # 1: one extra empty cell before the months
        if offset and cells[7].strip():
            continue
        row = _read_at(cells, offset, line, area, months, alignment)
        if _reconciles(row.values, months, row.target, row.change, row.distance, _frequency(list(row.values))):
            return row
    raise LegacyFormatError(
        f"line {line} ({cells[1].strip()!r}): its change ({cells[5] or 'blank'}) and distance "
        f"({cells[6] or 'blank'}) do not reconcile with its values and target "
        "under any known alignment"
    )


def _read_at(cells: list[str], offset: int, line: int, area: str, months: list[str], alignment: str) -> LegacyRow:
    """The row read with its months starting ``offset`` cells later than printed."""
    month_cells = cells[7 + offset:20 + offset]
    unit = Unit.PERCENT if any("%" in c for c in month_cells if c.strip()) else Unit.COUNT
    # A count printed with a percent format shows -1 as -100.0%.
    scale = 0.01 if unit is Unit.COUNT else 1.0
    change, distance = (None if (n := _number(c)) is None else n * scale for c in (cells[5], cells[6]))
    notes = []
    if offset:
        extra = "one extra empty cell before the months"
        alignment = extra if alignment == "as printed" else f"{alignment}; {extra}"
    if unit is Unit.COUNT and "%" in cells[5]:
        notes.append(
            f"a count printed as a percentage (change {cells[5]}, "
            f"distance {cells[6]} read as {change:g} and {distance:g})"
        )
    return LegacyRow(
        line=line,
        area=area,
        name=cells[1].strip(),
        killer_kpi=KILLER_MARK in cells[2],
        performance_group=cells[3].strip(),
        dot=cells[4].strip(),
        change=change,
        distance=distance,
        values={months[i]: _number(c) for i, c in enumerate(month_cells) if c.strip()},
        target=_number(cells[20 + offset]),
        tolerance=_number(cells[21 + offset]),
        comparator=cells[22 + offset].strip(),
        unit=unit,
        alignment=alignment,
        months=months,
        notes=notes,
    )


def read_rows(path: Path) -> list[LegacyRow]:
    """Read every measure row of a legacy export, each under its reconciling alignment."""
    rows: list[LegacyRow] = []
    months: list[str] = []
    area = ""
    text = path.read_text(encoding="utf-8-sig")
    for line, raw in enumerate(text.splitlines(), start=1):
        cells = raw.split("\t")
        if len(cells) < 8:
            continue
        if cells[1].strip() == "Measure":
            months = [parse_period(c) for c in cells[7:20]]
            continue
        if not months:
            continue
        if cells[0].strip() and cells[1].strip():
            area = cells[0].strip()
        rows.append(_read_row(cells, line, area, months))
    if not rows:
        raise LegacyFormatError(f"{path}: no measure rows found under a 'Measure' header")
    return rows


def _words(text: str) -> list[str]:
    text = re.sub(r"^(% of |% |number of )", "", text.strip(), flags=re.I)
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def slugify(text: str) -> str:
    """A URL-safe id made from every word of a name."""
    return "-".join(_words(text))


def short_ids(names: list[str], min_length: int = 36) -> list[str]:
    """A short, stable, URL-safe id for each name: the fewest leading words that
    reach ``min_length`` characters and tell it apart from every other name."""
    words = [_words(name) for name in names]
    ids = []
    for own in words:
        size = 1
        while size < len(own) and len("-".join(own[:size])) < min_length:
            size += 1
        while size < len(own) and any(
            other is not own and other[:size] == own[:size] for other in words
        ):
            size += 1
        ids.append("-".join(own[:size]))
    if len(set(ids)) != len(ids):
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        raise LegacyFormatError(f"measures with the same name: {', '.join(duplicated)}")
    return ids


def _comparator(cell: str, default_label: str) -> tuple[float | None, str | None]:
    if not cell:
        return None, None
    if match := _COMPARATOR.match(cell):
        return float(match[1]), (match[2] or default_label).strip()
    return None, cell


def _clean_area(name: str) -> str:
    return re.sub(r"\s+,", ",", re.sub(r"\s+", " ", name)).strip()


def to_dataset(
    rows: list[LegacyRow], overrides: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Turn legacy rows into the dataset tables (areas, measures, targets, observations).

    ``overrides`` has columns ``measure, field, value, reason`` (``measure`` as the sheet
    spells it); ``field`` is one of ``polarity``, ``tolerance``, ``upper_bound`` or ``name``
    (a proof-read name; the id stays the one made from the sheet's name). Raises ``LegacyFormatError`` when a
    measure's polarity is neither shown by its tolerance nor given by an override.
    """
    by_measure = {
        (row.measure.strip(), row.field): row.value for row in overrides.itertuples()
    }
    areas: dict[str, dict] = {}
    measures, targets, comparators, observations = [], [], [], []
    measure_ids = short_ids([row.name for row in rows])
    for position, (row, measure_id) in enumerate(zip(rows, measure_ids), start=1):
        area_name = _clean_area(row.area)
        area_id = slugify(area_name)
        areas.setdefault(
            area_id, {"area_id": area_id, "name": area_name, "position": len(areas) + 1}
        )
        measures.append(_measure(row, measure_id, area_id, position, by_measure))
        if row.target is not None:
            tolerance = row.tolerance
            if (row.name, "tolerance") in by_measure:
                tolerance = float(by_measure[row.name, "tolerance"])
            targets.append(
                {"measure_id": measure_id, "from_period": row.months[0], "target": row.target, "tolerance": tolerance}
            )
        value, label = _comparator(row.comparator, "Average 2021/22")
        if value is not None or label is not None:
            comparators.append({"measure_id": measure_id, "from_period": row.months[0], "value": value, "label": label})
        observations += _observations(row, measure_id)
    return {
        "areas": pd.DataFrame(list(areas.values())),
        "measures": pd.DataFrame(measures),
        "targets": pd.DataFrame(targets),
        "comparators": pd.DataFrame(comparators),
        "observations": pd.DataFrame(observations),
    }


def _polarity(row: LegacyRow, by_measure: dict) -> str:
    """The override's polarity, else the side of the target the printed tolerance lies on."""
    polarity = by_measure.get((row.name, "polarity"))
    if polarity is None and row.target is not None and row.tolerance is not None:
        polarity = "higher" if row.tolerance < row.target else "lower"
    if polarity is None:
        raise LegacyFormatError(
            f"line {row.line} ({row.name!r}): polarity is not shown by a tolerance; "
            "add a 'polarity' override (higher, lower or neutral)"
        )
    return str(polarity)


def _measure(row: LegacyRow, measure_id: str, area_id: str, position: int, by_measure: dict) -> dict:
    """The catalogue record of a row's measure; a percentage is bounded at 100 unless overridden."""
    upper = by_measure.get((row.name, "upper_bound"))
    if upper is None:
        upper = 100.0 if row.unit is Unit.PERCENT else None
    return {
        "measure_id": measure_id,
        "area_id": area_id,
        "position": position,
        "name": by_measure.get((row.name, "name"), row.name),
        "killer_kpi": row.killer_kpi,
        "unit": row.unit.value,
        "polarity": _polarity(row, by_measure),
        "frequency": _frequency(sorted(row.values)).value,
        "lower_bound": 0.0,
        "upper_bound": None if upper is None else float(upper),
        "dot_threshold": 1.0,
        "retired_from": None,
    }


def _observations(row: LegacyRow, measure_id: str) -> list[dict]:
    """A row's figures; the sheet's performance group belongs to its latest month only."""
    return [
        {
            "measure_id": measure_id,
            "period": period,
            "value": row.values[period],
            "commentary": None,
            "performance_group": row.performance_group or None if period == row.months[-1] else None,
        }
        for period in sorted(row.values)
    ]
