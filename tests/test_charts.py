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


def test_comparator_is_labelled_or_an_empty_rule(history):
    measure = history.measure.copy()
    measure["comparator_value"], measure["comparator_label"] = 12.5, "England"
    with_comparator = charts.measure_chart(dataclasses.replace(history, measure=measure)).to_dict()
    texts = with_comparator["datasets"][with_comparator["layer"][3]["data"]["name"]]
    assert texts == [{"y": 12.5, "label": "Comparator 12.5% (England)"}]
    measure["comparator_value"] = None
    without = charts.measure_chart(dataclasses.replace(history, measure=measure)).to_dict()
    assert without["datasets"][without["layer"][3]["data"]["name"]] == []


@pytest.mark.parametrize(("months", "step"), [(0, 1), (13, 1), (14, 2), (26, 2), (27, 3)])
def test_month_labels_thin_out_on_long_histories(months, step):
    axis = charts._month_axis(months).to_dict()["axis"]
    assert axis["tickCount"] == {"interval": "month", "step": step}
