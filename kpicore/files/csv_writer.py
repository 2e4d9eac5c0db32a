"""The one CSV writer: every CSV the product writes (downloads, the command line, the dataset, templates).

UTF-8, ``\\n`` line ends, no index; numbers plain (``77.6``, ``52``, never
``52.0`` or ``7.76e1``), ``true``/``false`` for booleans, blank for missing.
Text is neutralised against formula injection unless the file is the project's
own data (``for_spreadsheets=False``).
"""

from __future__ import annotations

import io

import pandas as pd

from kpicore.files.formulas import neutralise_formulas


def write_csv(frame: pd.DataFrame, *, for_spreadsheets: bool = True, bom: bool = False) -> bytes:
    """``frame`` as CSV bytes. ``bom`` adds the byte-order mark Excel needs to read UTF-8 (templates)."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == bool:
            frame[column] = frame[column].map({True: "true", False: "false"})
    if for_spreadsheets:
        frame = neutralise_formulas(frame)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format=plain_number)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def plain_number(value: float) -> str:
    """77.6 as ``77.6`` and 52.0 as ``52``, to at most six decimals; never ``-0``."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
