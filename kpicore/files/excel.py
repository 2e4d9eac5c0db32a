"""The scorecard as an Excel workbook for board packs.

Same rows and columns as the CSV, with each month's value cell filled in its
band's colour and carrying its band symbol in a note column, a legend sheet,
frozen headers and number formats (one decimal for percentages and rates,
whole numbers for counts). Text cells are neutralised against formula injection.
"""

from __future__ import annotations

import io
import math

import pandas as pd

from kpicore.files.csv_writer import plain_number
from kpicore.files.formulas import neutralise_formulas
from kpicore.periods import month_columns
from kpicore.vocab import BAND_STYLE, Band, Unit

COLUMN_WIDTHS = {0: 24, 1: 30, 2: 60}
"""Area, measure id and measure: wide enough to read without resizing."""


class _Formats:
    """xlsxwriter cell formats, made once per (decimals, band) and shared."""

    def __init__(self, book):
        self.book = book
        self._made: dict[tuple, object] = {}
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})

    def number(self, decimals: int, band: str | None = None):
        key = (decimals, band)
        if key not in self._made:
            spec = {"num_format": "0" if decimals == 0 else "0.0"}
            if band:
                spec |= _band_colours(Band(band))
            self._made[key] = self.book.add_format(spec)
        return self._made[key]


def _band_colours(band: Band) -> dict:
    return {"bg_color": BAND_STYLE[band]["fill"], "font_color": BAND_STYLE[band]["text"], "border": 1}


def scorecard_xlsx(scorecard: pd.DataFrame, units: pd.Series, title: str) -> bytes:
    """The workbook's bytes. ``units`` maps ``measure_id`` to the measure's unit."""
    frame = neutralise_formulas(scorecard).reset_index(drop=True)
    frame["killer_kpi"] = frame["killer_kpi"].map({True: "true", False: "false"})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        formats = _Formats(writer.book)
        _scorecard_sheet(writer, formats, frame, units, title)
        _legend_sheet(writer.book, formats)
    return buffer.getvalue()


def _scorecard_sheet(writer, formats: _Formats, frame: pd.DataFrame, units: pd.Series, title: str) -> None:
    sheet = writer.book.add_worksheet("Scorecard")
    writer.sheets["Scorecard"] = sheet
    sheet.write(0, 0, title, writer.book.add_format({"bold": True, "font_size": 14}))
    for col, name in enumerate(frame.columns):
        sheet.write(1, col, name, formats.header)
    months = set(month_columns(frame.columns))
    for row, record in frame.iterrows():
        decimals = Unit(units[record["measure_id"]]).decimals
        for col, name in enumerate(frame.columns):
            band = record.get(f"band_{name}") if name in months else None
            _write_cell(sheet, formats, row + 2, col, name, record[name], decimals, band)
    sheet.freeze_panes(2, 3)
    sheet.autofilter(1, 0, len(frame) + 1, len(frame.columns) - 1)
    for col, width in COLUMN_WIDTHS.items():
        sheet.set_column(col, col, width)


def _write_cell(sheet, formats: _Formats, row: int, col: int, name: str, value, decimals: int, band) -> None:
    """One cell: a number in its unit's format (coloured by band in a month column), a band with its symbol, or text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        if band and band != Band.NO_DATA:
            sheet.write_blank(row, col, None, formats.number(decimals, band))
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isfinite(value):
        sheet.write_string(row, col, plain_number(value))  # an overflowed change (inf) as the CSV writes it
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, float(value), formats.number(decimals, band))
    elif name.startswith("band_") and value in BAND_STYLE:
        sheet.write_string(row, col, f"{BAND_STYLE[Band(value)]['symbol']} {value}")
    else:
        sheet.write_string(row, col, str(value))


def _legend_sheet(book, formats: _Formats) -> None:
    legend = book.add_worksheet("Legend")
    legend.write_row(0, 0, ["band", "symbol", "meaning"], formats.header)
    for row, band in enumerate(Band, start=1):
        cell = book.add_format(_band_colours(band))
        legend.write(row, 0, band.value, cell)
        legend.write(row, 1, BAND_STYLE[band]["symbol"], cell)
        legend.write(row, 2, BAND_STYLE[band]["label"])
    legend.set_column(0, 0, 22)
    legend.set_column(2, 2, 80)
