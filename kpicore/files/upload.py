"""Reading a submitted CSV or Excel file into figures, finding every problem on the way.

Two layouts are accepted (DESIGN.md section 4):

- **long**: one figure per row, columns ``measure_id`` (or ``measure``, the exact
  name), ``period``, ``value`` and optionally ``commentary``, ``performance_group``;
- **scorecard**: one measure per row, a ``measure_id`` (or ``measure``) column and
  one column per month headed ``2022-11``, ``Nov-22``, ``Nov 2022`` or an Excel date.
  Blank cells mean "no figure", never zero.

A value is ``77.6`` or ``77.6%``; an Excel cell formatted as a percentage (0.776)
reads as 77.6. Numbers that could be read two ways (``1,234.5``, ``1.234,5``,
``1,5``), ``NaN`` and infinity are refused. Nothing here touches the database:
``read`` returns the figures and the problems, each with the row and column
the person sees in their spreadsheet (the header is row 1 in a CSV).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import pandas as pd

from kpicore.files.csv_writer import write_csv
from kpicore.files.formulas import neutralise_formulas
from kpicore.periods import label, parse_period
from kpicore.problems import Problem
from kpicore.vocab import PerformanceGroup, Unit

MAX_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
LONG, SCORECARD = "long", "scorecard"
TEMPLATES = [(LONG, "csv"), (LONG, "xlsx"), (SCORECARD, "csv"), (SCORECARD, "xlsx")]
"""The templates offered: each layout as CSV and as Excel."""
TEMPLATE_COLUMNS = {
    LONG: ["measure_id", "measure", "unit", "period", "value", "commentary", "performance_group"],
    SCORECARD: ["measure_id", "measure", "unit"],
}
# Columns a template or the scorecard download carries for people to read; never read back.
_INFORMATIONAL = {
    "unit", "area", "area_id", "killer_kpi", "dot", "change", "distance", "target", "tolerance", "comparator",
    "comparator_note", "suggested_performance_group", "status", "status_period", "last_value", "last_period",
}
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_NOT_FINITE = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_SIGNATURES = [
    (b"PK\x03\x04", "an Excel workbook or another zip file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel 97-2003 (.xls) file"),
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
]
FIGURE_COLUMNS = [
    "row", "measure_column", "measure_text", "period_column", "period_text", "value_column", "value_text",
    "measure_id", "period", "value", "percent", "commentary", "performance_group", "commentary_given", "group_given",
]


@dataclass(frozen=True)
class Number:
    """A numeric Excel cell; ``percent`` when its number format shows a percentage."""

    value: float
    percent: bool


@dataclass
class Parsed:
    """What a file holds: figures (one row each, with where they came from), problems and notes."""

    name: str
    layout: str | None = None
    figures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FIGURE_COLUMNS))
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_number(text: str) -> tuple[float | None, bool, str | None]:
    """``(value, percent, problem)`` of a typed number: ``77.6`` or ``77.6%``; blank is no figure."""
    raw = str(text).replace("\u00a0", " ").strip()
    if raw == "":
        return None, False, None
    percent = raw.endswith("%")
    core = raw[:-1].strip() if percent else raw
    if core.lower() in _NOT_FINITE:
        return None, percent, "is not a figure (NaN or infinity): give a finite number, or leave the cell blank"
    if "," in core or " " in core:
        return None, percent, (
            "is ambiguous (a thousands separator or a decimal comma?): write the number with a full stop "
            "for decimals and no separators, e.g. 1234.5 or 77.6"
        )
    if not _PLAIN_NUMBER.match(core):
        return None, percent, "must be a number, e.g. 77.6 or 77.6%"
    value = float(core)
    if value in (float("inf"), float("-inf")):
        return None, percent, "is too large to be a figure: give a finite number"
    return value, percent, None


def _sniff(data: bytes) -> str | None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if b"\x00" in data[:8192]:
        return "a binary file"
    return None


def read(name: str, data: bytes, measures: pd.DataFrame) -> Parsed:
    """Read ``data`` (a file called ``name``) into figures against the catalogue ``measures``."""
    parsed = Parsed(name)
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""

    def refuse(message: str, row: int | None = None, column: str | None = None, value: str = "") -> Parsed:
        parsed.problems.append(Problem(name, row, column, value, message))
        return parsed

    if suffix not in ("csv", "xlsx"):
        if suffix == "xls":
            return refuse("is an old Excel 97-2003 file: save it as an Excel workbook (.xlsx) or as CSV UTF-8")
        return refuse("is not a CSV (.csv) or Excel (.xlsx) file: use one of the templates")
    if len(data) > MAX_BYTES:
        return refuse(f"is too large ({len(data) / 1e6:.1f} MB): at most {MAX_BYTES // (1024 * 1024)} MB")
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        return refuse("is empty: there is nothing to read")
    what = _sniff(data)
    if suffix == "csv":
        if what:
            hint = " (give it the .xlsx name, or save it as CSV UTF-8)" if what.startswith("an Excel") else ""
            return refuse(f"is named .csv but is {what}, not CSV text{hint}")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            row = data[: error.start].count(b"\n") + 1
            return refuse(
                "is not UTF-8 text: in Excel, save it as 'CSV UTF-8 (Comma delimited)'", row, None,
                data[error.start:error.start + 8].decode("latin-1"),
            )
        grid = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
    else:
        if not data.startswith(b"PK\x03\x04"):
            return refuse(f"is named .xlsx but is {what or 'text (perhaps CSV)'}, not an Excel workbook")
        try:
            grid, extra_sheets = _xlsx_grid(data)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            return refuse(f"is not a readable Excel workbook ({type(error).__name__}): save it again as .xlsx")
        if extra_sheets:
            parsed.notes.append(f"Only the first sheet was read; not read: {', '.join(extra_sheets)}.")
    _read_grid(parsed, grid, measures)
    return parsed


def _percent_format(number_format: str | None) -> bool:
    """Whether an Excel number format scales by 100 (a ``%`` outside quotes and escapes)."""
    fmt = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in fmt


def _xlsx_grid(data: bytes) -> tuple[list[tuple[int, list]], list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        grid = []
        for cells in sheet.iter_rows():
            row_number = next((c.row for c in cells if getattr(c, "row", None)), None)
            if row_number is None:
                continue
            grid.append((row_number, [_cell(c) for c in cells]))
        return grid, [s.title for s in book.worksheets[1:] if s.max_row and s.max_row > 1]
    finally:
        book.close()


def _cell(cell) -> object:
    value = cell.value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (datetime, date)):
        if "y" not in (cell.number_format or "").lower():
            return _Yearless(value)
        return value
    if isinstance(value, (int, float)):
        percent = _percent_format(cell.number_format)
        return Number(round(value * 100, 9) if percent else float(value), percent)
    return str(value)


@dataclass(frozen=True)
class _Yearless:
    """A date cell whose format shows no year: Excel may have read ``Nov-22`` as 22 November."""

    value: datetime


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _shown(cell: object) -> str:
    """A cell as the person sees it, for messages."""
    if cell is None:
        return ""
    if isinstance(cell, Number):
        return f"{cell.value:g}%" if cell.percent else f"{cell.value:g}"
    if isinstance(cell, _Yearless):
        return cell.value.strftime("%d-%b")
    if isinstance(cell, (datetime, date)):
        return cell.strftime("%Y-%m-%d")
    return str(cell)


def _header_name(cell: object) -> str:
    return re.sub(r"[\s\-]+", "_", _shown(cell).strip().lower())


def _month(cell: object) -> str | None:
    if isinstance(cell, (datetime, date)):
        return parse_period(cell)
    if isinstance(cell, str):
        try:
            return parse_period(cell)
        except ValueError:
            return None
    return None


def _read_grid(parsed: Parsed, grid: list[tuple[int, list]], measures: pd.DataFrame) -> None:
    name = parsed.name
    header_at = next(
        (i for i, (_, cells) in enumerate(grid[:HEADER_SEARCH_ROWS])
         if {"measure_id", "measure"} & {_header_name(c) for c in cells}),
        None,
    )
    if header_at is None:
        if all(all(_blank(c) for c in cells) for _, cells in grid):
            parsed.problems.append(Problem(name, None, None, "", "is empty: there is nothing to read"))
            return
        first = next((n for n, cells in grid if not all(_blank(c) for c in cells)), 1)
        found = ", ".join(_shown(c) for c in dict(grid)[first] if not _blank(c))[:120]
        if ";" in found and "," not in found:
            message = "has columns separated by ';': save it as comma-separated CSV (CSV UTF-8)"
        else:
            message = (
                "has no header row with a measure_id (or measure) column: use a template, with the header "
                "measure_id, period, value (long layout) or measure_id and one column per month (scorecard layout)"
            )
        parsed.problems.append(Problem(name, first, None, found, message))
        return
    header_row, header = grid[header_at]
    columns: dict[str, int] = {}
    months: dict[str, tuple[int, str]] = {}
    ignored: list[str] = []
    for position, cell in enumerate(header):
        if _blank(cell):
            continue
        key = _header_name(cell)
        if isinstance(cell, _Yearless):
            parsed.problems.append(Problem(
                name, header_row, _shown(cell), _shown(cell),
                "is a date without a year (Excel may have read 'Nov-22' as 22 November): "
                "type the month as text, e.g. 2022-11, or format the cell to show the year",
            ))
            continue
        if key in ("measure_id", "measure", "period", "value", "commentary", "performance_group"):
            if key in columns:
                parsed.problems.append(Problem(name, header_row, _shown(cell), _shown(cell), "this column appears twice"))
            columns[key] = position
        elif (period := _month(cell)) is not None:
            if period in months:
                parsed.problems.append(Problem(
                    name, header_row, _shown(cell), _shown(cell),
                    f"is a second column for {label(period)} (the first is '{months[period][1]}'): give one column per month",
                ))
            months[period] = (position, _shown(cell))
        elif key not in _INFORMATIONAL and not key.startswith("band_"):
            ignored.append(_shown(cell))
    if "period" in columns or "value" in columns:
        parsed.layout = LONG
        missing = [c for c in ("period", "value") if c not in columns]
        if missing:
            parsed.problems.append(Problem(
                name, header_row, missing[0], "",
                "this column is missing: the long layout needs measure_id (or measure), period and value",
            ))
            return
        if months:
            ignored += [shown for _, shown in months.values()]
    elif months:
        parsed.layout = SCORECARD
        for extra in ("commentary", "performance_group"):
            if extra in columns:
                parsed.notes.append(f"'{extra}' is read only in the long layout (one figure per row); it was not read.")
    else:
        parsed.problems.append(Problem(
            name, header_row, None, "",
            "has neither period and value columns (long layout) nor any month column such as 2022-11 or Nov-22 "
            "(scorecard layout)",
        ))
        return
    if ignored:
        parsed.notes.append(f"Columns not read: {', '.join(ignored)}.")
    headers = {key: _shown(header[position]) for key, position in columns.items()}
    resolver = _MeasureResolver(measures)
    records: list[dict] = []
    body = grid[header_at + 1:]
    for row_number, cells in body:
        if all(_blank(c) for c in cells):
            continue

        def at(position: int, cells: list = cells) -> object:
            return cells[position] if position < len(cells) else None

        beyond = [c for c in cells[len(header):] if not _blank(c)]
        if beyond:
            parsed.problems.append(Problem(
                name, row_number, None, ",".join(_shown(c) for c in cells),
                f"has {len(header) + len(beyond)} cells but the header has {len(header)}: is there a comma in "
                "a number (1,234.5) or in text? Write numbers without separators and put text in quotes",
            ))
            continue

        measure_id, measure_column, measure_text, problem = resolver.resolve(
            {key: at(columns[key]) for key in ("measure_id", "measure") if key in columns}, headers
        )
        if problem:
            parsed.problems.append(Problem(name, row_number, measure_column, measure_text, problem))
            continue
        unit = resolver.unit(measure_id)
        base = {"row": row_number, "measure_column": measure_column, "measure_text": measure_text, "measure_id": measure_id}
        if parsed.layout == LONG:
            commentary_cell = at(columns["commentary"]) if "commentary" in columns else None
            group_cell = at(columns["performance_group"]) if "performance_group" in columns else None
            value_cell, period_cell = at(columns["value"]), at(columns["period"])
            if _blank(value_cell):
                if not (_blank(commentary_cell) and _blank(group_cell)):
                    parsed.problems.append(Problem(
                        name, row_number, headers["value"], "",
                        "is required on a row with commentary or a performance group",
                    ))
                continue
            period, period_problem = _period_of(period_cell)
            if period_problem:
                parsed.problems.append(Problem(name, row_number, headers["period"], _shown(period_cell), period_problem))
            figure = _figure(parsed, row_number, headers["value"], value_cell, unit)
            if figure is None or period_problem:
                continue
            group = None if _blank(group_cell) else _shown(group_cell).strip()
            records.append(base | figure | {
                "period_column": headers["period"], "period_text": _shown(period_cell), "period": period,
                "commentary": None if _blank(commentary_cell) else _shown(commentary_cell).strip(),
                "performance_group": {g.value.lower(): g.value for g in PerformanceGroup}.get((group or "").lower(), group),
                "commentary_given": not _blank(commentary_cell), "group_given": not _blank(group_cell),
            })
        else:
            for period, (position, shown) in sorted(months.items()):
                cell = at(position)
                if _blank(cell):
                    continue
                figure = _figure(parsed, row_number, shown, cell, unit)
                if figure is not None:
                    records.append(base | figure | {
                        "period_column": shown, "period_text": shown, "period": period,
                        "commentary": None, "performance_group": None, "commentary_given": False, "group_given": False,
                    })
    if not records and not parsed.problems:
        parsed.problems.append(Problem(
            name, None, None, "",
            "has no figures: every value cell is blank" if body else "has a header but no rows of figures",
        ))
    parsed.figures = pd.DataFrame(records, columns=FIGURE_COLUMNS)


def _period_of(cell: object) -> tuple[str | None, str | None]:
    if _blank(cell):
        return None, "is required: the month of the figure, e.g. 2022-11 or Nov-22"
    if isinstance(cell, _Yearless):
        return None, (
            "is a date without a year (Excel may have read 'Nov-22' as 22 November): "
            "type the month as text, e.g. 2022-11, or format the cell to show the year"
        )
    if isinstance(cell, Number):
        return None, "is a number, not a month: write the month as 2022-11, Nov-22 or Nov 2022"
    try:
        return parse_period(cell), None
    except ValueError:
        return None, "is not a month: write it as 2022-11, Nov-22 or Nov 2022 (or an Excel date)"


def _figure(parsed: Parsed, row: int, column: str, cell: object, unit: str) -> dict | None:
    """The value of a cell, or ``None`` after recording its problem."""
    if isinstance(cell, Number):
        value, percent, problem = cell.value, cell.percent, None
    elif isinstance(cell, (datetime, date, _Yearless)):
        value, percent, problem = None, False, "is a date, not a number"
    elif isinstance(cell, bool):
        value, percent, problem = None, False, "must be a number, e.g. 77.6 or 77.6%"
    else:
        value, percent, problem = parse_number(str(cell))
    if problem is None and percent and unit != Unit.PERCENT:
        problem = f"is a percentage, but this measure is a {Unit(unit).label.lower()}: give the number without %"
    if problem:
        parsed.problems.append(Problem(parsed.name, row, column, _shown(cell), problem))
        return None
    return {"value_column": column, "value_text": _shown(cell), "value": value, "percent": percent}


class _MeasureResolver:
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
        if text[:2] in {"'" + c for c in "=+-@"}:
            text = text[1:]
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
        given = {key: _shown(cell) for key, cell in cells.items() if not _blank(cell)}
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


def template(layout: str, file_format: str, measures: pd.DataFrame, period: str) -> bytes:
    """A template for ``measures`` (``measure_id, name, unit``) and the month ``period``.

    The long layout has a row per measure for that month; the scorecard layout a
    row per measure and a column for the month. Values are left blank.
    """
    if layout == LONG:
        frame = pd.DataFrame({
            "measure_id": measures["measure_id"], "measure": measures["name"], "unit": measures["unit"],
            "period": period, "value": None, "commentary": None, "performance_group": None,
        })
    elif layout == SCORECARD:
        frame = pd.DataFrame({
            "measure_id": measures["measure_id"], "measure": measures["name"], "unit": measures["unit"], period: None,
        })
    else:
        raise ValueError(f"unknown layout '{layout}'")
    frame = frame.reset_index(drop=True)
    if file_format == "csv":
        return write_csv(frame, bom=True)
    if file_format != "xlsx":
        raise ValueError(f"unknown format '{file_format}'")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet.append(list(frame.columns))
    for record in neutralise_formulas(frame).itertuples(index=False):
        sheet.append([None if (not isinstance(v, str) and pd.isna(v)) else v for v in record])
    for cell in sheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
        cell.number_format = "@"
    if layout == LONG:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
            cell.number_format = "@"
    sheet.freeze_panes = "C2"
    for letter, width in zip("ABCDEFG", (40, 60, 10, 12, 12, 40, 18)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
