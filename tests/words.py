"""Every text a person can read on a page run by ``AppTest``, and the words that must not be among them.

``visible_texts(at)`` collects titles, headings, markdown, captions, alerts, metric labels and values,
widget labels and options, button labels, and every table's and data frame's column names, index
names, index values and cells. ``offenders(at)`` keeps those that show an internal name: a snake_case
identifier (``locked_by``, ``significantly_worse``), ``None``, ``nan`` or ``NaT``, the SPC limits'
raw names ("limit: lpl"), or a table header in lower case (``area``: a column's internal name). A name
in a markdown code span (`` `measure_id` ``) is deliberate: it is how a page names a file's column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd
from pandas.io.formats.style import Styler

# snake_case: two or more lower-case words joined by underscores (an e-mail's local part excepted)
SNAKE = re.compile(r"(?<![\w.@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@-])")
MISSING = re.compile(r"\b(?:None|nan|NaN|NaT|<NA>)\b")
RAW_SPC = re.compile(r"\b(?:lpl|upl)\b")
CODE_SPAN = re.compile(r"`[^`]*`")

_TEXT_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "text", "info", "success", "warning", "error")
_LABELLED = ("selectbox", "multiselect", "radio", "text_input", "text_area", "number_input", "toggle", "checkbox",
             "button", "download_button", "date_input", "slider", "select_slider")


def _frame_texts(frame: pd.DataFrame | Styler, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(frame, Styler):
        frame = frame.data
    for axis, names in (("column", frame.columns), ("index", frame.index)):
        for name in names.names:
            if name is not None:
                yield f"{where} header", str(name)
        if axis == "column" or not isinstance(names, pd.RangeIndex):
            for value in names:
                yield f"{where} {'header' if axis == 'column' else 'row name'}", str(value)
    for column in frame.columns:
        for value in frame[column]:
            if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
                yield f"{where} cell in {column}", "None"  # shown as "None" or a blank the person cannot read
            else:
                yield f"{where} cell in {column}", str(value)


def visible_texts(at) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the page shows."""
    for kind in _TEXT_ELEMENTS:
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for metric in at.metric:
        yield "metric label", metric.label
        yield "metric value", str(metric.value)
    for kind in _LABELLED:
        for widget in getattr(at, kind):
            label = getattr(widget, "label", None) or getattr(widget.proto, "label", "")
            yield f"{kind} label", str(label)
            help_text = getattr(widget.proto, "help", "")
            if help_text:
                yield f"{kind} help", help_text
            for option in getattr(widget, "options", None) or ():
                yield f"{kind} option", str(option)
    for element in at.dataframe:
        yield from _frame_texts(element.value, "dataframe")
    for element in at.table:
        yield from _frame_texts(element.value, "table")


def offenders(at) -> list[tuple[str, str]]:
    """The visible texts that show an internal name, ``None`` or ``nan``."""
    found = []
    for where, text in visible_texts(at):
        prose = CODE_SPAN.sub("", text)
        lower_header = where.endswith("header") and text[:1].islower()
        if lower_header or SNAKE.search(prose) or MISSING.search(prose) or RAW_SPC.search(prose):
            found.append((where, text))
    return found
