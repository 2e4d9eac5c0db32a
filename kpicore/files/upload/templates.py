"""Templates: a blank file of each layout, as CSV and as Excel, prefilled with a person's measures and a month."""

from __future__ import annotations

import io

import pandas as pd

from kpicore.files.csv_writer import write_csv
from kpicore.files.formulas import neutralise_formulas
from kpicore.files.upload.layout import LONG, SCORECARD

TEMPLATES = [(LONG, "csv"), (LONG, "xlsx"), (SCORECARD, "csv"), (SCORECARD, "xlsx")]
"""The templates offered: each layout as CSV and as Excel."""
TEMPLATE_COLUMNS = {
    LONG: ["measure_id", "measure", "unit", "period", "value", "commentary", "performance_group"],
    SCORECARD: ["measure_id", "measure", "unit"],
}
_COLUMN_WIDTHS = (40, 60, 10, 12, 12, 40, 18)


def template(layout: str, file_format: str, measures: pd.DataFrame, period: str) -> bytes:
    """A template for ``measures`` (``measure_id, name, unit``) and the month ``period``.

    The long layout has a row per measure for that month; the scorecard layout a
    row per measure and a column for the month. Values are left blank.
    """
    frame = _template_frame(layout, measures, period)
    if file_format == "csv":
        return write_csv(frame, bom=True)
    if file_format != "xlsx":
        raise ValueError(f"unknown format '{file_format}'")
    return _template_xlsx(frame, layout)


def _template_frame(layout: str, measures: pd.DataFrame, period: str) -> pd.DataFrame:
    """The template's rows: one per measure, values blank."""
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
    return frame.reset_index(drop=True)


def _template_xlsx(frame: pd.DataFrame, layout: str) -> bytes:
    """The template as a workbook: a bold text header, months typed as text, the measure columns frozen."""
    import openpyxl  # only when a workbook template is asked for

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
    for letter, width in zip("ABCDEFG", _COLUMN_WIDTHS):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
