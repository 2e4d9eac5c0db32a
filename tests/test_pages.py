"""Every page renders on the shipped data, filters change the rows, downloads carry what is shown."""

import html as html_lib
import io
import json
import re

import openpyxl
import pandas as pd
import pytest

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.reports import scorecard
from kpicore.reports.charts import LAYER_NAMES


def csv_of(app, at, key="download_csv") -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(app.downloads(at)[key]), keep_default_na=False, na_values=[""])


def test_overview_is_the_landing_page(app, snapshot):
    at = app()
    assert not at.exception
    assert at.title[0].value == "Overview"
    counts = at.dataframe[0].value
    assert counts.index.tolist() == snapshot.areas["name"].tolist()
    assert counts["Total"].sum() == 84
    headings = [s.value for s in at.subheader]
    assert "Killer KPIs" in headings and "Biggest deteriorations" in headings
    assert headings[1].startswith("Special cause concern")  # SPC concerns come first
    assert any("Every measure due a figure" in s.value for s in at.success)


def test_overview_lists_returns_still_missing(app):
    at = app()
    at.selectbox(key="period").set_value("2022-08").run()
    missing = at.dataframe[-1].value
    assert len(missing) == 5 and set(missing["Thematic area"]) == {"Education - Children in Care/ Care Experienced People"}


def test_scorecard_page_renders_every_area(app, snapshot):
    at = app("pages/scorecard.py")
    assert not at.exception
    html = "".join(h.proto.body for h in at.html)
    assert [html_lib.unescape(a) for a in re.findall(r'<section class="sc-area"><h2>([^<]+)</h2>', html)] == (
        snapshot.areas["name"].tolist()
    )
    assert html.count('<th scope="row">') == 84


def test_scorecard_download_is_the_cli_scorecard(app, snapshot):
    at = app("pages/scorecard.py")
    files = app.downloads(at)
    assert files["download_csv"] == write_csv(scorecard.build(snapshot, "2022-11"))
    assert files["download_xlsx"][:2] == b"PK"


def test_choosing_an_earlier_period_moves_the_window(app):
    at = app("pages/scorecard.py")
    at.selectbox(key="period").set_value("2022-06").run()
    assert not at.exception
    frame = csv_of(app, at)
    assert frame.columns[8] == "2021-06" and "2022-06" in frame.columns and "2022-07" not in frame.columns
    assert at.query_params["period"] == "2022-06"


def test_cells_carry_a_symbol_as_well_as_a_colour(app):
    at = app("pages/scorecard.py")
    at.toggle(key="scorecard_more").set_value(True).run()
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", "".join(h.proto.body for h in at.html))
    nov_22 = [re.findall(r'<td class="m sy (sc-[a-z_]+)">([^<]*)<span class="sc-sr"> ([^<]+)</span>', r)[-1] for r in rows]
    assert nov_22[0] == ("sc-significantly_worse", "77.6%", "Significantly worse")  # the symbol: the class's ::after
    assert nov_22[5] == ("sc-met", "85.7%", "Met")
    style = "".join(h.proto.body for h in at.html if h.proto.body.startswith("<style>"))
    assert '.sy.sc-significantly_worse::after{content:"‼"' in style and '.sy.sc-met::after{content:"✔"' in style
    assert '<td class="xt">~ Common cause</td>' in rows[0]


def test_filters_from_the_url(app):
    at = app("pages/scorecard.py", band="met", killer="1")
    frame = csv_of(app, at)
    assert frame["measure_id"].tolist() == [
        "children-in-care-with-an-up-to-date-statutory",
        "children-subject-to-a-cpp-for-more-than-2",
        "cp-plans-starting-in-month-that-are-second",
    ]
    assert set(frame["status"]) == {"met"} and set(frame["killer_kpi"]) == {True}
    shown = re.findall(r'<th scope="row"><a href="explorer\?measure=([^"]+)"', "".join(h.proto.body for h in at.html))
    assert shown == frame["measure_id"].tolist()


def test_filters_from_the_widgets_change_rows_url_and_download(app):
    at = app("pages/scorecard.py")
    at.multiselect(key="f_area").set_value(["quality-assurance"]).run()
    at.text_input(key="f_search").set_value("audit").run()
    frame = csv_of(app, at)
    assert frame["measure_id"].tolist() == [
        "children-s-services-audits-rated-r-i", "children-s-services-audits-rated-good",
        "audit-actions-from-previous-month-within", "audits-completed-to-accepted-standard",
    ]
    assert at.query_params["area"] == "quality-assurance" and at.query_params["q"] == "audit"
    workbook = openpyxl.load_workbook(io.BytesIO(app.downloads(at)["download_xlsx"]))
    assert workbook["Scorecard"].max_row == 2 + 4


def test_improving_and_worsening_follow_polarity(app, snapshot):
    frame = csv_of(app, app("pages/scorecard.py", trend="worsening"))
    by_id = frame.set_index("measure_id")
    # an upward move on a lower-is-better measure is worsening
    assert by_id.loc["repeat-referrals-in-month-previous-referral", "dot"] == "↑"
    assert "children-entering-care-who-have-been" not in by_id.index  # ↓ on lower-is-better improves


def test_filters_persist_across_pages(app):
    at = app("pages/scorecard.py")
    at.toggle(key="f_killer").set_value(True).run()
    at.switch_page("pages/about.py").run()
    at.switch_page("pages/scorecard.py").run()
    assert at.toggle(key="f_killer").value is True
    assert len(csv_of(app, at)) == 15  # the seed marks 15 killer KPIs


def test_no_match_says_so(app):
    at = app("pages/scorecard.py", q="no measure is called this")
    assert at.info[0].value == "No measure matches these filters."
    assert len(csv_of(app, at)) == 0


def test_explorer_draws_every_layer(app):
    at = app("pages/explorer.py", measure="utilisation-of-available-in-house-foster")
    assert not at.exception
    chart = at.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    # every layer with something to draw, in order: this measure has no comparator and no commentary
    assert tuple(layer.get("name") for layer in spec["layer"]) == tuple(
        name for name in LAYER_NAMES if name not in ("comparator", "commentary")
    )
    assert spec["layer"][4]["layer"][1]["encoding"]["y"]["field"] == "value"
    notes = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert any("Point outside the process limits (below): Sep-22" in note for note in notes)


def test_choosing_another_measure_in_the_explorer_keeps_it(app):
    """The URL still names the first measure on the rerun after a choice; the choice must win."""
    at = app("pages/explorer.py", measure="utilisation-of-available-in-house-foster")
    at.selectbox(key="explorer_select").select("timely-of-ihas-in-month").run()
    assert not at.exception
    assert at.selectbox(key="explorer_select").value == "timely-of-ihas-in-month"
    assert any("`timely-of-ihas-in-month`" in m.value for m in at.markdown)
    assert at.query_params["measure"] in ("timely-of-ihas-in-month", ["timely-of-ihas-in-month"])
    at.toggle(key="explorer_baseline").set_value(True).run()  # another widget's rerun keeps it too
    assert at.selectbox(key="explorer_select").value == "timely-of-ihas-in-month"


def test_explorer_table_and_downloads(app):
    at = app("pages/explorer.py", measure="children-s-services-audits-rated-r-i")
    table = at.dataframe[0].value
    assert table["Month"].tolist() == ["Sep-22", "Jun-22", "Mar-22", "Dec-21"]  # quarterly, newest first
    files = app.downloads(at)
    figures = pd.read_csv(io.BytesIO(files["download_measure_csv"]))
    assert figures["value"].tolist() == [80.0, 92.0, 85.0, 93.0]
    assert figures["band"].tolist() == ["significantly_worse", "met", "worse", "met"]
    assert files["download_measure_png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert any("too few points for SPC" in m.value for m in at.markdown)


def test_about_is_generated_from_the_code_tables(app):
    at = app("pages/about.py")
    assert not at.exception
    bands = at.table[0].value
    assert bands["Band"].tolist() == ["Met", "Within tolerance", "Worse", "Significantly worse", "No target", "No data"]
    assert at.table[1].value.index.tolist() == ["↑", "↓", "→"]


@pytest.fixture
def injected_db(tmp_path, monkeypatch):
    path = tmp_path / "kpi.sqlite"
    store.initialise(path)
    with store.connect(path) as db:
        db.execute("UPDATE measures SET name = '=HYPERLINK(\"http://x\")' WHERE measure_id = 'timely-of-ihas-in-month'")
        db.execute(  # a new version (the audit log is append-only: no version is ever updated)
            "INSERT INTO observation_versions (measure_id, period, value, commentary, performance_group, "
            "recorded_by, recorded_at, source, reason) SELECT measure_id, period, value, '@SUM(A1)', performance_group, "
            "recorded_by, recorded_at, source, reason FROM observations "
            "WHERE measure_id = 'timely-of-ihas-in-month' AND period = '2022-11'"
        )
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def test_downloads_neutralise_formula_injection(app, injected_db):
    at = app("pages/scorecard.py", q="HYPERLINK")
    frame = csv_of(app, at)
    assert frame["measure"].tolist() == ["'=HYPERLINK(\"http://x\")"]
    assert frame["change"].tolist() == [5.0] and frame["distance"].tolist() == [-33.7]  # numbers stay numbers
    sheet = openpyxl.load_workbook(io.BytesIO(app.downloads(at)["download_xlsx"]))["Scorecard"]
    assert sheet.cell(row=3, column=3).value == "'=HYPERLINK(\"http://x\")"
    assert sheet.cell(row=3, column=8).value == -33.7
    explorer = app("pages/explorer.py", measure="timely-of-ihas-in-month")
    figures = pd.read_csv(io.BytesIO(app.downloads(explorer)["download_measure_csv"]))
    assert figures["commentary"].iloc[-1] == "'@SUM(A1)"


def test_explorer_baseline_fixes_the_limits_on_the_first_12_months(app):
    at = app("pages/explorer.py", measure="initial-contact-decisions-made-within")
    at.toggle(key="explorer_baseline").set_value(True).run()
    assert not at.exception
    figures = pd.read_csv(io.BytesIO(app.downloads(at)["download_measure_csv"]))
    first_twelve = [67.4, 70.6, 72.0, 75.1, 65.4, 70.5, 69.3, 62.8, 72.1, 62.3, 70.3, 67.4]
    assert figures["mean"].iloc[-1] == pytest.approx(sum(first_twelve) / 12)  # 825.2 / 12
