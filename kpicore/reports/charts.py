"""The measure explorer's chart: one layered Altair chart of a measure's history.

Layers, bottom to top: the tolerance band (shaded between target and tolerance),
the SPC process limits and mean, the comparator, the target as a step line (it
can change), the values as a line with points coloured *and shaped* by band
(never colour alone), rings on special-cause points (coloured *and shaped* by
kind), and commentary markers. Each layer is drawn by its own function
(``LAYERS``); ``measure_chart`` stacks those that have something to draw
(``DRAWS``): an empty layer would be an unnamed, empty group for a screen reader.

Accessibility (WCAG 2.2 AA): the chart has a title and a ``description`` (the SVG's
accessible name, ``summary``); every mark's accessible name is a plain sentence (the
``description`` channel), never the internal field names Vega would otherwise read out
(``limit: lpl``, ``band: significantly_worse``); all text is ``INK`` (19:1 on white);
the legends use short words in two columns, so that they fit a phone's width.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd

from kpicore.reports.explorer import MeasureHistory
from kpicore.spc import PointType
from kpicore.vocab import BAND_STYLE, Band, Unit

BAND_SHAPES = {
    Band.MET: "circle",
    Band.WITHIN_TOLERANCE: "diamond",
    Band.WORSE: "triangle-down",
    Band.SIGNIFICANTLY_WORSE: "cross",
    Band.NO_TARGET: "square",
    Band.NO_DATA: "stroke",
}
# NHS Making Data Count colours for special cause: blue improvement, orange concern, purple neutral;
# and a ring shape for each, so that improvement and concern never differ by colour alone (WCAG 1.4.1).
POINT_TYPE_COLOURS = {
    PointType.IMPROVEMENT: "#289DE0",
    PointType.CONCERN: "#E46C0A",
    PointType.NEUTRAL_HIGH: "#490092",
    PointType.NEUTRAL_LOW: "#490092",
}
POINT_TYPE_SHAPES = {
    PointType.IMPROVEMENT: "circle",
    PointType.CONCERN: "square",
    PointType.NEUTRAL_HIGH: "triangle-up",
    PointType.NEUTRAL_LOW: "triangle-down",
}
RING_WORDS = {  # the rings' legend: short, so that it fits a phone
    PointType.IMPROVEMENT: "Improvement",
    PointType.CONCERN: "Concern",
    PointType.NEUTRAL_HIGH: "Higher (neither)",
    PointType.NEUTRAL_LOW: "Lower (neither)",
}
INK = "#0B0C0C"
"""Every text of the chart (title, axes, legends): the app's text colour, 19:1 on white."""
LEGEND_COLUMNS = 2
MONTHS_LABELLED = 13
"""At most this many month labels on the x axis; longer histories label every second, third... month."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SPC_GREY = "#6E6E6E"
COMPARATOR_BLUE = "#0B5394"


def _frame(history: MeasureHistory) -> pd.DataFrame:
    unit = Unit(history.measure["unit"])
    frame = history.figures.copy()
    frame["date"] = pd.to_datetime(frame["period"] + "-01")
    suffix = "%" if unit is Unit.PERCENT else ""
    places = unit.decimals

    def fmt(value: float, sign: bool = False) -> str:
        if pd.isna(value):
            return "–"
        return f"{value:{'+' if sign else ''}.{places}f}{suffix if not sign else (' pts' if suffix else '')}"

    frame["value_text"] = frame["value"].map(fmt)
    frame["change_text"] = frame["change"].map(lambda v: fmt(v, sign=True))
    frame["target_text"] = frame["target"].map(fmt)
    comparator = frame.get("comparator_value", pd.Series(float("nan"), index=frame.index))
    source = frame.get("comparator_label", pd.Series(None, index=frame.index, dtype=object))
    frame["comparator_value"] = comparator
    frame["comparator_text"] = [
        "" if pd.isna(v) else f"Comparator {fmt(v)}" + (f" ({s})" if isinstance(s, str) else "")
        for v, s in zip(comparator, source)
    ]
    frame["band_label"] = frame["band"].map(lambda b: BAND_STYLE[Band(b)]["label"])
    frame["band_short"] = frame["band"].map(lambda b: BAND_STYLE[Band(b)]["short"])
    frame["variation"] = frame["point_type"].map(lambda t: PointType(t).label if isinstance(t, str) else "–")
    frame["ring"] = frame["point_type"].map(lambda t: RING_WORDS.get(PointType(t), "") if isinstance(t, str) else "")
    frame["commentary"] = frame["commentary"].fillna("").map(drawable)
    frame["comparator_text"] = frame["comparator_text"].map(drawable)
    for column in ("mean", "lpl", "upl"):
        frame[column] = frame.get(column, pd.Series(float("nan"), index=frame.index))
    frame["mean_text"] = frame["mean"].map(fmt)
    frame["lpl_text"], frame["upl_text"] = frame["lpl"].map(fmt), frame["upl"].map(fmt)
    frame["point_text"] = [_point_sentence(row) for row in frame.itertuples()]
    return frame


def _point_sentence(row) -> str:
    """One month in words, the accessible name of its point: month, value, band, target, change, SPC, commentary."""
    if row.value_text == "–":
        return f"{row.month}: no figure."
    words = f"{row.month}: {row.value_text}, {row.band_label.lower()}"
    words += f" (target {row.target_text})" if row.target_text != "–" else ""
    words += f"; change {row.change_text}" if row.change_text != "–" else ""
    words += f"; SPC: {row.variation.lower()}" if row.variation != "–" else ""
    return words + (f"; commentary: {row.commentary}" if row.commentary else "") + "."


def drawable(text: object) -> str:
    """``text`` without the control characters an SVG or PNG cannot hold (XML 1.0 refuses them: NUL,
    BEL, ESC...); the tables show the text exactly as stored."""
    return _NOT_XML.sub("", str(text))


@dataclass(frozen=True)
class Plot:
    """What every layer draws on: the month axis over the figures, and the measure they belong to."""

    base: alt.Chart
    measure: pd.Series
    unit: Unit

    @property
    def percent(self) -> bool:
        return self.unit is Unit.PERCENT


def _month_axis(months: int) -> alt.X:
    """The x axis: one label a month, or every ``step`` months when there are more than ``MONTHS_LABELLED``."""
    step = 1
    if months > MONTHS_LABELLED:
        step = max(1, months // MONTHS_LABELLED + (1 if months % MONTHS_LABELLED else 0))
    return alt.X(
        "date:T",
        title="Month",
        axis=alt.Axis(format="%b-%y", labelAngle=-45, tickCount={"interval": "month", "step": step}),
    )


def _tooltip() -> list[alt.Tooltip]:
    """Everything about a month, on the value, special-cause and commentary marks."""
    return [
        alt.Tooltip("month:N", title="Month"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("band_label:N", title="Band"),
        alt.Tooltip("change_text:N", title="Change"),
        alt.Tooltip("target_text:N", title="Target"),
        alt.Tooltip("variation:N", title="SPC"),
        alt.Tooltip("commentary:N", title="Commentary"),
    ]


def tolerance_layer(plot: Plot) -> alt.Chart:
    """The band between target and tolerance, shaded; it also sets the y axis (not forced to zero)."""
    y_axis = alt.Axis(labelExpr="datum.value + '%'" if plot.percent else "datum.label")
    y = alt.Y("target:Q", scale=alt.Scale(zero=False, nice=True), title=plot.unit.label, axis=y_axis)
    return plot.base.transform_filter("isValid(datum.tolerance) && isValid(datum.target)").mark_area(
        interpolate="step-after", opacity=0.25, color=BAND_STYLE[Band.WITHIN_TOLERANCE]["fill"]
    ).encode(y=y, y2="tolerance:Q", description=alt.value("Tolerance: shaded between the target and the tolerance."))


def spc_limits_layer(plot: Plot) -> alt.Chart:
    """The lower and upper SPC process limits, dashed."""
    return plot.base.transform_fold(["lpl", "upl"], as_=["limit", "limit_value"]).transform_filter(
        "isValid(datum.limit_value)"
    ).transform_calculate(
        limit_text="(datum.limit == 'lpl' ? 'Lower process limit ' + datum.lpl_text : 'Upper process limit ' + datum.upl_text)"
    ).mark_line(strokeDash=[4, 3], color=SPC_GREY).encode(
        y="limit_value:Q", detail="limit:N", description="limit_text:N",
        tooltip=[alt.Tooltip("limit_text:N", title="SPC")],
    )


def spc_mean_layer(plot: Plot) -> alt.Chart:
    """The SPC mean, a solid grey line."""
    return plot.base.transform_filter("isValid(datum.mean)").transform_calculate(
        mean_words="'SPC mean ' + datum.mean_text"
    ).mark_line(color=SPC_GREY).encode(
        y="mean:Q", description="mean_words:N", tooltip=[alt.Tooltip("mean_text:N", title="Mean")]
    )


def comparator_layer(plot: Plot) -> alt.Chart:
    """The comparator in force each month (e.g. the England average) as a dashed blue step line, labelled
    at its latest month with its value and source; nothing where there is none."""
    line = plot.base.transform_filter("isValid(datum.comparator_value)")
    tooltip = [alt.Tooltip("comparator_text:N", title="Comparator")]
    step = line.mark_line(interpolate="step-after", color=COMPARATOR_BLUE, strokeDash=[8, 4]).encode(
        y="comparator_value:Q", tooltip=tooltip, description="comparator_text:N"
    )
    latest = line.transform_window(order="rank()", sort=[alt.SortField("date", order="descending")]).transform_filter(
        "datum.order == 1"
    )
    text = latest.mark_text(align="right", dy=-7, color=COMPARATOR_BLUE).encode(
        y="comparator_value:Q", text="comparator_text:N", description="comparator_text:N"
    )
    return step + text


def target_layer(plot: Plot) -> alt.Chart:
    """The target as a black step line: it can change from one month."""
    return plot.base.transform_filter("isValid(datum.target)").mark_line(
        interpolate="step-after", color="#000000", strokeWidth=2
    ).encode(
        y="target:Q", tooltip=[alt.Tooltip("target_text:N", title="Target")],
        description=alt.value("Target: the black step line; each month's target is in that month's point."),
    )


def _legend(orient: str) -> alt.Legend:
    """A legend in ``LEGEND_COLUMNS`` columns, so that it stays inside a phone's width."""
    return alt.Legend(orient=orient, columns=LEGEND_COLUMNS, labelLimit=0)


def values_layer(plot: Plot) -> alt.Chart:
    """The figures: a line, and a point each month coloured and shaped by its band (never colour alone)."""
    bands = list(Band)
    names = [BAND_STYLE[b]["short"] for b in bands]
    points = plot.base.mark_point(size=90, filled=True, stroke="#000000", strokeWidth=0.6, opacity=1).encode(
        y="value:Q",
        color=alt.Color(
            "band_short:N", title="Band",
            scale=alt.Scale(domain=names, range=[BAND_STYLE[b]["fill"] for b in bands]), legend=_legend("bottom"),
        ),
        shape=alt.Shape("band_short:N", title="Band", scale=alt.Scale(domain=names, range=[BAND_SHAPES[b] for b in bands])),
        description="point_text:N",
        tooltip=_tooltip(),
    )
    line = plot.base.mark_line(color="#444444").encode(
        y="value:Q", description=alt.value("The monthly figures, joined by a line; each month is a point.")
    )
    return line + points


def special_cause_layer(plot: Plot) -> alt.Chart:
    """A ring round each special-cause point, in the Making Data Count colour *and* a shape of its kind."""
    kinds = list(POINT_TYPE_COLOURS)
    names = [RING_WORDS[k] for k in kinds]
    return plot.base.transform_filter("datum.special_cause == true").transform_calculate(
        ring_text="'Special cause, ' + lower(datum.ring) + ': ' + datum.month"
    ).mark_point(size=260, filled=False, strokeWidth=2.5).encode(
        y="value:Q",
        stroke=alt.Stroke(
            "ring:N", title="SPC special cause",
            scale=alt.Scale(domain=names, range=list(POINT_TYPE_COLOURS.values())), legend=_legend("top"),
        ),
        shape=alt.Shape(
            "ring:N", title="SPC special cause", scale=alt.Scale(domain=names, range=list(POINT_TYPE_SHAPES.values()))
        ),
        description="ring_text:N",
        tooltip=_tooltip(),
    )


def commentary_layer(plot: Plot) -> alt.Chart:
    """A pencil mark above each month that has commentary."""
    return plot.base.transform_filter("datum.commentary != ''").transform_calculate(
        note_text="'Commentary for ' + datum.month + ': ' + datum.commentary"
    ).mark_text(text="✎", dy=-16, fontSize=14, color=INK).encode(y="value:Q", description="note_text:N", tooltip=_tooltip())


LAYERS: dict[str, Callable[[Plot], alt.Chart]] = {
    "tolerance": tolerance_layer,
    "spc_limits": spc_limits_layer,
    "spc_mean": spc_mean_layer,
    "comparator": comparator_layer,
    "target": target_layer,
    "values": values_layer,
    "special_cause": special_cause_layer,
    "commentary": commentary_layer,
}
"""Every layer of the chart, bottom to top, by name (the name is in the chart's spec)."""
LAYER_NAMES = tuple(LAYERS)
DRAWS: dict[str, Callable[[pd.DataFrame], bool]] = {
    "tolerance": lambda f: bool((f["target"].notna() & f["tolerance"].notna()).any()),
    "spc_limits": lambda f: bool((f["lpl"].notna() | f["upl"].notna()).any()),
    "spc_mean": lambda f: bool(f["mean"].notna().any()),
    "comparator": lambda f: bool(f["comparator_value"].notna().any()),
    "target": lambda f: bool(f["target"].notna().any()),
    "values": lambda f: True,
    "special_cause": lambda f: bool((f["special_cause"] == True).any()),  # noqa: E712 - a column of True/False/None
    "commentary": lambda f: bool((f["commentary"] != "").any()),
}
"""Whether each layer has anything to draw for these figures (the same test as the layer's own filter)."""


TITLE_WIDTH = 40
"""Characters a line of the chart's title holds: a long name wraps, rather than being cut short on a phone."""


def title_lines(name: str) -> list[str]:
    """The measure's name as the chart's title, in lines of at most ``TITLE_WIDTH`` characters."""
    return textwrap.wrap(drawable(name), TITLE_WIDTH) or [""]


def summary(history: MeasureHistory) -> str:
    """The chart in one paragraph, its accessible description: what it shows, the months, the latest figure."""
    frame = history.figures
    name = drawable(history.measure["name"])
    if frame.empty:
        return f"Chart of {name}: no figures yet."
    text = _frame(history)
    latest = text.iloc[-1]
    words = f"Line chart of {name} ({drawable(history.area)}), by month from {frame['month'].iloc[0]} to {latest['month']}."
    words += f" Latest, {latest['point_text']}"
    special = int((text["special_cause"] == True).sum())  # noqa: E712
    if special:
        words += f" {special} month{'s' if special > 1 else ''} ringed as special cause."
    return words + " Every month's figures are in the Figures table below."


def measure_chart(history: MeasureHistory, width: int = 760, height: int = 360) -> alt.LayerChart:
    """The layered chart of ``history``. The y axis is not forced to zero; percentages read as percentages."""
    frame = _frame(history)
    unit = Unit(history.measure["unit"])
    plot = Plot(alt.Chart(frame).encode(x=_month_axis(len(frame))), history.measure, unit)
    layers = [layer(plot).properties(name=name) for name, layer in LAYERS.items() if DRAWS[name](frame)]
    title = alt.Title(title_lines(history.measure["name"]), subtitle=drawable(f"{history.area} · {unit.label}"))
    # fit-x: the chart fits the page's width; ``height`` is the plotting area's, the legends and axes come on top
    # (Streamlit's default "fit" squeezes the plot to make room for the two-column legends).
    autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    chart = alt.layer(*layers).properties(
        width=width, height=height, title=title, description=summary(history), autosize=autosize
    )
    return chart.resolve_scale(color="independent", stroke="independent", shape="independent").configure_axis(
        labelColor=INK, titleColor=INK
    ).configure_legend(labelColor=INK, titleColor=INK).configure_title(color=INK, subtitleColor=INK)


def chart_png(chart: alt.LayerChart, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (rendered by vl-convert, no browser needed)."""
    buffer = io.BytesIO()
    chart.save(buffer, format="png", scale_factor=scale)
    return buffer.getvalue()
