"""The measure chart is built from one function per layer, stacked in the order LAYER_NAMES gives,
and is readable by everyone: named, described, plain words for every mark, text at 4.5:1 or more,
special causes told apart by shape as well as colour (WCAG 2.2 AA)."""

import dataclasses
import re

import altair as alt
import pytest
import vl_convert

from kpicore.reports import charts
from kpicore.reports.explorer import measure_history
from kpicore.spc import PointType

RINGED = "utilisation-of-available-in-house-foster"  # special-cause improvement and concern; no comparator
WITH_COMPARATOR = "icpcs-that-took-place-within-15-w-days"


@pytest.fixture(scope="module")
def history(snapshot):
    return measure_history(snapshot, "initial-contact-decisions-made-within")


@pytest.fixture(scope="module")
def full(snapshot):
    """A history with something for every layer: a comparator, special causes and a commentary."""
    history = measure_history(snapshot, WITH_COMPARATOR)
    figures = history.figures.copy()
    figures.loc[figures.index[-1], "commentary"] = "Two vacancies"
    return dataclasses.replace(history, figures=figures)


def contrast(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2.2 contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def aria_labels(chart) -> list[tuple[str, str]]:
    """(role, aria-label) of every element of the chart's SVG that a screen reader announces."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    found = []
    for tag in re.findall(r"<[a-z]+ [^>]*>", svg):
        role = re.search(r'role="([^"]*)"', tag)
        if role and 'aria-hidden="true"' not in tag:
            label = re.search(r'aria-label="([^"]*)"', tag)
            found.append((role.group(1), label.group(1) if label else ""))
    return found


def test_every_layer_has_its_function_and_the_chart_stacks_them_in_order(full):
    assert charts.LAYER_NAMES == (
        "tolerance", "spc_limits", "spc_mean", "comparator", "target", "values", "special_cause", "commentary",
    )
    assert set(charts.DRAWS) == set(charts.LAYER_NAMES)
    spec = charts.measure_chart(full).to_dict()
    assert [layer["name"] for layer in spec["layer"]] == list(charts.LAYER_NAMES)
    assert spec["resolve"] == {"scale": {"color": "independent", "stroke": "independent", "shape": "independent"}}


def test_a_layer_with_nothing_to_draw_is_left_out(history):
    """No comparator, no special cause, no commentary: no empty, unnamed group for a screen reader (axe svg-img-alt)."""
    spec = charts.measure_chart(history).to_dict()
    assert [layer["name"] for layer in spec["layer"]] == ["tolerance", "spc_limits", "spc_mean", "target", "values"]


@pytest.mark.parametrize("measure", ["initial-contact-decisions-made-within", RINGED, WITH_COMPARATOR])
def test_every_mark_a_screen_reader_meets_has_a_plain_name(snapshot, measure):
    labels = aria_labels(charts.measure_chart(measure_history(snapshot, measure)))
    unnamed = [role for role, label in labels if role in ("img", "graphics-symbol", "graphics-document") and not label]
    assert unnamed == []
    internal = re.compile(r"\b(lpl|upl|limit_value|point_type|special_cause|significantly_worse|within_tolerance|None|nan)\b")
    assert [label for _, label in labels if internal.search(label)] == []


def test_each_point_is_named_in_words(snapshot):
    labels = [label for _, label in aria_labels(charts.measure_chart(measure_history(snapshot, RINGED)))]
    assert "Sep-22: 90.4%, meeting or better than target (target 90.0%); change -2.6 pts; SPC: special cause concern." in labels
    assert "Special cause, concern: Sep-22" in labels and "Special cause, improvement: Nov-21" in labels
    assert "Lower process limit 90.4%" in labels and "SPC mean 95.2%" in labels


def test_the_chart_has_a_title_and_a_description(snapshot):
    history = measure_history(snapshot, RINGED)
    spec = charts.measure_chart(history).to_dict()
    # in lines short enough for a phone, not cut short
    assert spec["title"]["text"] == ["Utilisation of available in-house Foster", "placement capacity"]
    assert spec["description"] == (
        "Line chart of Utilisation of available in-house Foster placement capacity (Stability and Permanence), "
        "by month from Nov-21 to Nov-22. Latest, Nov-22: 87.0%, within tolerance of target (target 90.0%); change -4.9 pts; "
        "SPC: special cause concern. 10 months ringed as special cause. Every month's figures are in the Figures table below."
    )


def test_special_cause_rings_differ_by_shape_as_well_as_colour(full):
    layers = {layer["name"]: layer for layer in charts.measure_chart(full).to_dict()["layer"]}
    ring = layers["special_cause"]["encoding"]
    shapes = dict(zip(ring["shape"]["scale"]["domain"], ring["shape"]["scale"]["range"]))
    colours = dict(zip(ring["stroke"]["scale"]["domain"], ring["stroke"]["scale"]["range"]))
    improvement, concern = charts.RING_WORDS[PointType.IMPROVEMENT], charts.RING_WORDS[PointType.CONCERN]
    assert shapes[improvement] != shapes[concern] and colours[improvement] != colours[concern]
    assert len(set(shapes.values())) == len(shapes)  # every kind its own shape
    # one legend for both (same field, same title), so that it shows each shape in its colour
    assert ring["shape"]["field"] == ring["stroke"]["field"] and ring["shape"]["title"] == ring["stroke"]["title"]


def test_all_text_is_dark_enough_to_read(history):
    config = charts.measure_chart(history).to_dict()["config"]
    colours = [config["axis"]["labelColor"], config["axis"]["titleColor"], config["legend"]["labelColor"],
               config["legend"]["titleColor"], config["title"]["color"], config["title"]["subtitleColor"]]
    assert min(contrast(colour) for colour in colours) >= 4.5


def test_the_legends_fit_a_phone(history):
    """Two columns of short words: the band legend is about 260 px wide, inside a 390 px phone's chart."""
    layers = {layer["name"]: layer for layer in charts.measure_chart(history).to_dict()["layer"]}
    legend = layers["values"]["layer"][1]
    assert legend["encoding"]["color"]["legend"]["columns"] == 2
    assert max(map(len, legend["encoding"]["color"]["scale"]["domain"])) <= len("Significantly worse")


@pytest.mark.parametrize("name", charts.LAYER_NAMES)
def test_each_layer_draws_on_its_own(history, name):
    plot = charts.Plot(alt.Chart(charts._frame(history)).encode(x="date:T"), history.measure, charts.Unit.PERCENT)
    layer = charts.LAYERS[name](plot)
    assert isinstance(layer, (alt.Chart, alt.LayerChart))
    assert layer.to_dict()


def test_the_first_layer_sets_the_y_axis_as_percentages(history):
    y = charts.measure_chart(history).to_dict()["layer"][0]["encoding"]["y"]
    assert y["title"] == "Percentage" and y["axis"] == {"labelExpr": "datum.value + '%'"}
    assert y["scale"] == {"zero": False, "nice": True}


def test_the_comparator_is_a_step_line_of_the_one_in_force_each_month(history):
    figures = history.figures.copy()
    figures["comparator_value"] = [None] * (len(figures) - 2) + [82.1, 84.3]
    figures["comparator_label"] = [None] * (len(figures) - 2) + ["Average 2021/22", "England 2021-22"]
    frame = charts._frame(dataclasses.replace(history, figures=figures))
    assert frame["comparator_text"].tolist()[-3:] == [
        "", "Comparator 82.1% (Average 2021/22)", "Comparator 84.3% (England 2021-22)"
    ]
    spec = charts.measure_chart(dataclasses.replace(history, figures=figures)).to_dict()
    layer = spec["layer"][charts.LAYER_NAMES.index("comparator")]
    step, label = layer["layer"]
    assert step["mark"]["interpolate"] == "step-after" and step["encoding"]["y"]["field"] == "comparator_value"
    assert label["encoding"]["text"]["field"] == "comparator_text"  # labelled at its latest month
    assert {"filter": "isValid(datum.comparator_value)"} in step["transform"]


def test_the_shipped_comparator_runs_through_the_whole_history(snapshot):
    figures = measure_history(snapshot, "icpcs-that-took-place-within-15-w-days").figures
    assert set(figures["comparator_value"]) == {82.1} and set(figures["comparator_label"]) == {"Average 2021/22"}


@pytest.mark.parametrize(("months", "step"), [(0, 1), (13, 1), (14, 2), (26, 2), (27, 3)])
def test_month_labels_thin_out_on_long_histories(months, step):
    axis = charts._month_axis(months).to_dict()["axis"]
    assert axis["tickCount"] == {"interval": "month", "step": step}
