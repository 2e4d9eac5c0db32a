"""The measure explorer's chart: one layered Altair chart of a measure's history.

Layers, bottom to top: the tolerance band (shaded between target and tolerance),
the SPC process limits and mean, the comparator, the target as a step line (it
can change), the values as a line with points coloured *and shaped* by band
(never colour alone), rings on special-cause points, and commentary markers.
"""

from __future__ import annotations

import io

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
# NHS Making Data Count colours for special cause: blue improvement, orange concern, purple neutral.
POINT_TYPE_COLOURS = {
    PointType.IMPROVEMENT: "#289DE0",
    PointType.CONCERN: "#E46C0A",
    PointType.NEUTRAL_HIGH: "#490092",
    PointType.NEUTRAL_LOW: "#490092",
}
LAYER_NAMES = ("tolerance", "spc_limits", "spc_mean", "comparator", "target", "values", "special_cause", "commentary")


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
    frame["band_label"] = frame["band"].map(lambda b: BAND_STYLE[Band(b)]["label"])
    frame["variation"] = frame["point_type"].map(lambda t: PointType(t).label if isinstance(t, str) else "–")
    frame["commentary"] = frame["commentary"].fillna("")
    return frame


def measure_chart(history: MeasureHistory, width: int = 760, height: int = 360) -> alt.LayerChart:
    """The layered chart of ``history``. The y axis is not forced to zero; percentages read as percentages."""
    frame = _frame(history)
    measure = history.measure
    unit = Unit(measure["unit"])
    percent = unit is Unit.PERCENT
    y_title = {Unit.PERCENT: "Percentage", Unit.COUNT: "Count", Unit.RATE: "Rate", Unit.DAYS: "Days"}[unit]
    step = max(1, len(frame) // 13 + (1 if len(frame) % 13 else 0)) if len(frame) > 13 else 1
    x = alt.X(
        "date:T",
        title="Month",
        axis=alt.Axis(format="%b-%y", labelAngle=-45, tickCount={"interval": "month", "step": step}),
    )
    y_axis = alt.Axis(labelExpr="datum.value + '%'" if percent else "datum.label")
    scale = alt.Scale(zero=False, nice=True)
    base = alt.Chart(frame).encode(x=x)
    tooltip = [
        alt.Tooltip("month:N", title="Month"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("band_label:N", title="Band"),
        alt.Tooltip("change_text:N", title="Change"),
        alt.Tooltip("target_text:N", title="Target"),
        alt.Tooltip("variation:N", title="SPC"),
        alt.Tooltip("commentary:N", title="Commentary"),
    ]
    layers = []

    tolerance = base.transform_filter("isValid(datum.tolerance) && isValid(datum.target)").mark_area(
        interpolate="step-after", opacity=0.25, color=BAND_STYLE[Band.WITHIN_TOLERANCE]["fill"]
    ).encode(y=alt.Y("target:Q", scale=scale, title=y_title, axis=y_axis), y2="tolerance:Q")
    layers.append(tolerance.properties(name="tolerance"))

    limits = base.transform_fold(["lpl", "upl"], as_=["limit", "limit_value"]).transform_filter(
        "isValid(datum.limit_value)"
    ).mark_line(strokeDash=[4, 3], color="#6E6E6E").encode(
        y="limit_value:Q", detail="limit:N", tooltip=[alt.Tooltip("limit_value:Q", title="Process limit", format=".1f")]
    )
    layers.append(limits.properties(name="spc_limits"))
    mean = base.transform_filter("isValid(datum.mean)").mark_line(color="#6E6E6E").encode(
        y="mean:Q", tooltip=[alt.Tooltip("mean:Q", title="Mean", format=".1f")]
    )
    layers.append(mean.properties(name="spc_mean"))

    comparator = measure.get("comparator_value")
    if comparator is not None and not pd.isna(comparator):
        label = f"Comparator {comparator:g}{'%' if percent else ''}"
        if isinstance(measure.get("comparator_label"), str):
            label += f" ({measure['comparator_label']})"
        rule = alt.Chart(pd.DataFrame({"y": [comparator], "label": [label]}))
        layers.append(
            (
                rule.mark_rule(color="#0B5394", strokeDash=[8, 4])
                + rule.mark_text(align="left", dx=4, dy=-7, color="#0B5394", x=0).encode(text="label:N")
            ).encode(y="y:Q").properties(name="comparator")
        )
    else:
        layers.append(alt.Chart(pd.DataFrame({"y": []})).mark_rule().encode(y="y:Q").properties(name="comparator"))

    target = base.transform_filter("isValid(datum.target)").mark_line(
        interpolate="step-after", color="#000000", strokeWidth=2
    ).encode(y="target:Q", tooltip=[alt.Tooltip("target_text:N", title="Target")])
    layers.append(target.properties(name="target"))

    bands = [b.value for b in Band]
    values = base.mark_line(color="#444444").encode(y="value:Q") + base.mark_point(
        size=90, filled=True, stroke="#000000", strokeWidth=0.6, opacity=1
    ).encode(
        y="value:Q",
        color=alt.Color(
            "band:N",
            title="Band",
            scale=alt.Scale(domain=bands, range=[BAND_STYLE[Band(b)]["fill"] for b in bands]),
            legend=alt.Legend(labelExpr="replace(datum.label, '_', ' ')", orient="bottom"),
        ),
        shape=alt.Shape("band:N", scale=alt.Scale(domain=bands, range=[BAND_SHAPES[Band(b)] for b in bands])),
        tooltip=tooltip,
    )
    layers.append(values.properties(name="values"))

    kinds = list(POINT_TYPE_COLOURS)
    special = base.transform_filter("datum.special_cause == true").mark_point(
        size=260, filled=False, strokeWidth=2.5
    ).encode(
        y="value:Q",
        stroke=alt.Stroke(
            "point_type:N",
            title="SPC special cause",
            scale=alt.Scale(domain=[k.value for k in kinds], range=list(POINT_TYPE_COLOURS.values())),
            legend=alt.Legend(orient="bottom", labelExpr="replace(datum.label, '_', ' ')"),
        ),
        tooltip=tooltip,
    )
    layers.append(special.properties(name="special_cause"))

    notes = base.transform_filter("datum.commentary != ''").mark_text(text="✎", dy=-16, fontSize=14).encode(
        y="value:Q", tooltip=tooltip
    )
    layers.append(notes.properties(name="commentary"))

    return alt.layer(*layers).properties(
        width=width, height=height, title=alt.Title(measure["name"], subtitle=f"{history.area} · {y_title}")
    ).resolve_scale(color="independent", stroke="independent", shape="independent")


def chart_png(chart: alt.LayerChart, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (rendered by vl-convert, no browser needed)."""
    buffer = io.BytesIO()
    chart.save(buffer, format="png", scale_factor=scale)
    return buffer.getvalue()
