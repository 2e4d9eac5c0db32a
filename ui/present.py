"""How scorecard figures look on screen: formatted cells, band colours, symbols.

Every coloured cell also carries its band's symbol, so status never depends on
colour alone; colours and symbols come from ``kpicore.vocab.BAND_STYLE``.
"""

from __future__ import annotations

import html

import pandas as pd

from kpicore.periods import label
from kpicore.vocab import BAND_STYLE, Band, Unit


def format_value(value: float, unit: str) -> str:
    """77.6 → ``77.6%``; counts as whole numbers; blank when missing."""
    if pd.isna(value):
        return ""
    if Unit(unit) is Unit.PERCENT:
        return f"{value:.1f}%"
    return f"{value:.0f}" if Unit(unit) is Unit.COUNT else f"{value:.1f}"


def format_change(value: float, unit: str) -> str:
    if pd.isna(value):
        return ""
    text = format_value(value, unit).rstrip("%")
    return ("+" if value > 0 else "") + text + (" pts" if Unit(unit) is Unit.PERCENT else "")


def month_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if len(c) == 7 and c[4] == "-" and c[:4].isdigit()]


def display_table(table: pd.DataFrame, units: pd.Series) -> pd.io.formats.style.Styler:
    """The scorecard as people read it: formatted values with band symbols, coloured by band."""
    months = month_columns(table)
    unit = table["measure_id"].map(units)
    shown = pd.DataFrame(
        {
            "Measure": table["measure"],
            "Killer KPI": table["killer_kpi"].map({True: "★ Killer", False: ""}),
            "Performance group": table["performance_group"].fillna(
                table["suggested_performance_group"].map(
                    lambda g: f"{g} (suggested)" if isinstance(g, str) else ""
                )
            ),
            "D.o.T.": table["dot"].fillna(""),
            "Change": [format_change(v, u) for v, u in zip(table["change"], unit)],
            "Distance from target": [format_change(v, u) for v, u in zip(table["distance"], unit)],
        }
    )
    for month in months:
        bands = table[f"band_{month}"]
        shown[label(month)] = [
            f"{format_value(v, u)} {BAND_STYLE[Band(b)]['symbol']}" if not pd.isna(v) else ""
            for v, u, b in zip(table[month], unit, bands)
        ]
    shown["Target"] = [format_value(v, u) for v, u in zip(table["target"], unit)]
    shown["Tolerance"] = [format_value(v, u) for v, u in zip(table["tolerance"], unit)]
    shown["Comparator"] = [
        (format_value(c, u) if isinstance(c, float) else str(c))
        + (f" ({n})" if isinstance(n, str) else "")
        if not (isinstance(c, float) and pd.isna(c))
        else ""
        for c, u, n in zip(table["comparator"], unit, table["comparator_note"])
    ]
    band_frame = pd.DataFrame(
        {label(m): table[f"band_{m}"].to_numpy() for m in months}, index=shown.index
    )

    def colour(column: pd.Series) -> list[str]:
        if column.name not in band_frame:
            return [""] * len(column)
        return [
            f"background-color: {BAND_STYLE[Band(b)]['fill']}; color: {BAND_STYLE[Band(b)]['text']}"
            if b != Band.NO_DATA
            else ""
            for b in band_frame[column.name]
        ]

    return shown.style.apply(colour, axis=0)


def legend_html() -> str:
    """The band legend as coloured chips, each with its symbol and words (our own constant text)."""
    chips = []
    for band in Band:
        style = BAND_STYLE[band]
        chips.append(
            f'<span style="display:inline-block;margin:2px 6px 2px 0;padding:2px 8px;'
            f'border:1px solid #555;border-radius:4px;background:{style["fill"]};'
            f'color:{style["text"]}">{html.escape(style["symbol"])} {html.escape(style["label"])}</span>'
        )
    return "".join(chips)
