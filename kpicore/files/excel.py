"""The scorecard as an Excel workbook for board packs.

Same rows and columns as the CSV, with each month's value cell filled in its
band's colour and carrying its band symbol in a note column, a legend sheet,
frozen headers and number formats (one decimal for percentages and rates,
whole numbers for counts). Text cells are neutralised against formula injection.
"""

from __future__ import annotations

import io

import pandas as pd

from kpicore.files.formulas import neutralise_formulas
from kpicore.periods import month_columns
from kpicore.vocab import BAND_STYLE, Band, Unit


def scorecard_xlsx(scorecard: pd.DataFrame, units: pd.Series, title: str) -> bytes:
    """The workbook's bytes. ``units`` maps ``measure_id`` to the measure's unit."""
    frame = neutralise_formulas(scorecard).reset_index(drop=True)
    frame["killer_kpi"] = frame["killer_kpi"].map({True: "true", False: "false"})
    months = month_columns(frame.columns)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        book = writer.book
        sheet = book.add_worksheet("Scorecard")
        writer.sheets["Scorecard"] = sheet
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
        for col, name in enumerate(frame.columns):
            sheet.write(1, col, name, header)
        formats: dict[tuple, object] = {}

        def fmt(decimals: int, band: str | None = None):
            key = (decimals, band)
            if key not in formats:
                spec = {"num_format": "0" if decimals == 0 else "0.0"}
                if band:
                    style = BAND_STYLE[Band(band)]
                    spec |= {"bg_color": style["fill"], "font_color": style["text"], "border": 1}
                formats[key] = book.add_format(spec)
            return formats[key]

        for row, record in frame.iterrows():
            decimals = Unit(units[record["measure_id"]]).decimals
            for col, name in enumerate(frame.columns):
                value = record[name]
                band = record.get(f"band_{name}") if name in months else None
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    if band and band != Band.NO_DATA:
                        sheet.write_blank(row + 2, col, None, fmt(decimals, band))
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(row + 2, col, float(value), fmt(decimals, band))
                elif name.startswith("band_") and value in BAND_STYLE:
                    style = BAND_STYLE[Band(value)]
                    sheet.write_string(row + 2, col, f"{style['symbol']} {value}")
                else:
                    sheet.write_string(row + 2, col, str(value))
        sheet.freeze_panes(2, 3)
        sheet.autofilter(1, 0, len(frame) + 1, len(frame.columns) - 1)
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 2, 60)
        legend = book.add_worksheet("Legend")
        legend.write_row(0, 0, ["band", "symbol", "meaning"], header)
        for row, band in enumerate(Band, start=1):
            style = BAND_STYLE[band]
            cell = book.add_format({"bg_color": style["fill"], "font_color": style["text"], "border": 1})
            legend.write(row, 0, band.value, cell)
            legend.write(row, 1, style["symbol"], cell)
            legend.write(row, 2, style["label"])
        legend.set_column(0, 0, 22)
        legend.set_column(2, 2, 80)
    return buffer.getvalue()
