"""The measure chart is built from one function per layer, stacked in the order LAYER_NAMES gives."""

import dataclasses

import altair as alt
import pytest

from kpicore.reports import charts
from kpicore.reports.explorer import measure_history


@pytest.fixture(scope="module")
def history(snapshot):
    return measure_history(snapshot, "initial-contact-decisions-made-within")


def test_every_layer_has_its_function_and_the_chart_stacks_them_in_order(history):
    assert charts.LAYER_NAMES == (
        "tolerance", "spc_limits", "spc_mean", "comparator", "target", "values", "special_cause", "commentary",
    )
    spec = charts.measure_chart(history).to_dict()
    assert [layer["name"] for layer in spec["layer"]] == list(charts.LAYER_NAMES)
    assert spec["resolve"] == {"scale": {"color": "independent", "stroke": "independent", "shape": "independent"}}


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
