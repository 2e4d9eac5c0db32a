"""How scorecard figures look on screen: formatted cells, band colours, symbols.

Every coloured cell also carries its band's symbol, so status never depends on
colour alone; colours and symbols come from ``kpicore.vocab.BAND_STYLE``.
"""

from __future__ import annotations

import html

import pandas as pd

from kpicore.periods import label, month_columns, span_text, within
from kpicore.spc import ASSURANCE_TEXT, VARIATION_TEXT, Assurance, PointType
from kpicore.vocab import BAND_STYLE, Band, Unit


def band_text(band: str | None) -> str:
    """A band as its symbol and short name (``✔ Met``); blank without a band."""
    if not isinstance(band, str) or not band:
        return ""
    style = BAND_STYLE[Band(band)]
    return f"{style['symbol']} {style['short']}"


def status_text(band: str, period: object) -> str:
    """The headline status with the month it is at: ``‼ Significantly worse (Nov-22)``."""
    return band_text(band) + (f" ({label(period)})" if isinstance(period, str) else "")


def stored_month(period: object, years: tuple[int, int]) -> str:
    """A stored month as people read it: ``Nov-22`` within ``years``; outside them, or not a month at
    all, exactly as stored (``0000-01`` is not confused with ``2000-01``)."""
    return label(period) if within(period, years) else str(period)


def out_of_range_note(snapshot, measure_id: str) -> str | None:
    """Markdown naming a measure's stored figures that no report uses (``Snapshot.out_of_range``: a month
    outside the accepted range or not a month at all, or an infinite value); ``None`` when it has none."""
    figures = snapshot.out_of_range[snapshot.out_of_range["measure_id"] == measure_id].sort_values("period")
    if figures.empty:
        return None
    named = ", ".join(
        f"`{str(p).replace('`', '')}` ({v:g})" for p, v in zip(figures["period"], pd.to_numeric(figures["value"], errors="coerce"))
    )
    return (
        f"{len(figures)} stored figure(s) of this measure are for months outside {span_text(snapshot.settings.years)}, "
        f"not months at all, or infinite: {named}. They are left out of the chart, the figures, the scorecard "
        "and SPC; the History page lists them."
    )


def variation_text(value: object) -> str:
    return VARIATION_TEXT[PointType(value)] if isinstance(value, str) else "Too few points"


def assurance_text(value: object) -> str:
    return ASSURANCE_TEXT[Assurance(value)] if isinstance(value, str) else "–"


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


def comparator_text(comparator: object, unit: str, note: object) -> str:
    """A comparator as people read it: a number in the unit's format (or the stored words), with where
    it comes from in brackets; blank without one."""
    if isinstance(comparator, float) and pd.isna(comparator) or comparator is None:
        return ""
    text = format_value(comparator, unit) if isinstance(comparator, float) else str(comparator)
    return text + (f" ({note})" if isinstance(note, str) else "")


def dot_text(dot: object, trend: object) -> str:
    """The arrow with its judgement beside it (``↑ worsening``); the arrow alone without a judgement."""
    arrow = dot if isinstance(dot, str) else ""
    words = trend if isinstance(trend, str) else ""
    return f"{arrow} {words}".strip()


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


def figures_export(history) -> pd.DataFrame:
    """A measure's figures for download: plain numbers, band names, SPC columns."""
    columns = ["period", "value", "band", "change", "distance", "dot", "trend", "target", "tolerance",
               "commentary", "performance_group", "mean", "lpl", "upl", "special_cause", "point_type", "rule"]
    frame = history.figures[columns].copy()
    frame["point_type"] = frame["point_type"].map(lambda v: str(v) if isinstance(v, str) else None)
    frame["rule"] = frame["rule"].map(lambda v: str(v) if isinstance(v, str) else None)
    return frame


def figures_table(history) -> pd.DataFrame:
    """A measure's figures as people read them, newest first."""
    unit = history.measure["unit"]
    figures = history.figures.iloc[::-1]
    return pd.DataFrame(
        {
            "Month": figures["month"],
            "Value": figures["value"].map(lambda v: format_value(v, unit)),
            "Band": figures["band"].map(band_text),
            "D.o.T.": [dot_text(d, t) for d, t in zip(figures["dot"], figures["trend"])],
            "Change": figures["change"].map(lambda v: format_change(v, unit)),
            "Target": figures["target"].map(lambda v: format_value(v, unit)),
            "Tolerance": figures["tolerance"].map(lambda v: format_value(v, unit)),
            "SPC": figures["point_type"].map(lambda t: VARIATION_TEXT[PointType(t)] if isinstance(t, str) else ""),
            "Performance group": figures["performance_group"].fillna(""),
            "Commentary": figures["commentary"].fillna(""),
        }
    )


def measure_rows(table: pd.DataFrame, units: pd.Series, extra: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Short rows for lists on the overview: measure, latest value and band, arrow, change, target."""
    unit = table["measure_id"].map(units)
    period = month_columns(table.columns)[-1]
    rows = pd.DataFrame(
        {
            "Measure": table["measure"],
            "Area": table["area"],
            "Value": [format_value(v, u) for v, u in zip(table[period], unit)],
            "Status": [status_text(b, p) for b, p in zip(table["status"], table["status_period"])],
            "D.o.T.": table["dot"].fillna(""),
            "Change": [format_change(v, u) for v, u in zip(table["change"], unit)],
            "Target": [format_value(v, u) for v, u in zip(table["target"], unit)],
        }
    )
    for name, values in (extra or {}).items():
        rows[name] = values.to_numpy()
    return rows


def counts_table(counts: pd.DataFrame) -> pd.io.formats.style.Styler:
    """Measures per band per area, each band column headed by its symbol and coloured."""
    shown = counts.rename(columns={b.value: band_text(b.value) for b in Band} | {"total": "Total"})

    def colour(column: pd.Series) -> list[str]:
        for band in Band:
            if column.name == band_text(band.value):
                style = BAND_STYLE[band]
                return [f"background-color: {style['fill']}; color: {style['text']}" if v else "" for v in column]
        return [""] * len(column)

    return shown.style.apply(colour, axis=0)
