"""Plain words (issue 11): each symbol means one thing, About's glossary names every term the pages use,
no page shows an internal name, ``None`` or ``nan``, every column on screen has help, and History's month
is its own choice, apart from the scorecard's."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kpicore import store
from kpicore.reports import about
from kpicore.spc import ASSURANCE_TEXT, VARIATION_TEXT
from kpicore.vocab import BAND_STYLE, ICONS, Band, Direction
from tests.entry import ADMIN, OWNED, OWNER, writable_db
from tests.words import offenders, visible_texts

MY_PAGES = ("pages/overview.py", "pages/history.py", "pages/returns.py", "pages/locks.py", "pages/users.py",
            "pages/catalogue.py", "pages/about.py")


def symbols() -> list[tuple[str, str]]:
    """(symbol, meaning) from every vocabulary that shows a symbol: bands, arrows, SPC icons, other icons."""
    found = [(style["symbol"], f"band: {style['label']}") for style in BAND_STYLE.values()]
    found += [(d.value, f"arrow: {d.label}") for d in Direction]
    found += [(text.split(" ", 1)[0], f"SPC: {kind.label}") for kind, text in VARIATION_TEXT.items()]
    found += [(text.split(" ", 1)[0], f"SPC: {kind.label}") for kind, text in ASSURANCE_TEXT.items()]
    found += list(ICONS.items())
    return found


def test_every_symbol_means_one_thing():
    meanings: dict[str, set[str]] = {}
    for symbol, meaning in symbols():
        meanings.setdefault(symbol, set()).add(meaning)
    assert {s: m for s, m in meanings.items() if len(m) > 1} == {}
    assert len(meanings) == 6 + 3 + 5 + 3 + len(ICONS)  # every band, arrow, variation, assurance and icon


TERMS = ("D.o.T.", "Improving", "Worsening", "SPC", "Mean", "Process limits", "Special cause improvement",
         "Special cause concern", "Common cause variation", "Assurance", "Killer KPI", "Polarity", "Comparator",
         "Re-base", "pts", "Tolerance", "Distance from target", "Performance group", "Locked month", "Data owner")


def test_the_glossary_explains_every_term_with_an_anchor_of_its_own():
    glossary = about.glossary()
    words = {t.term: t for t in glossary}
    assert set(TERMS) <= set(words)
    assert words["D.o.T."].anchor == "term-dot"
    assert "an ↑ on a lower-is-better measure is worsening" in words["Worsening"].meaning
    shown = {t.term for t in glossary}
    assert {f"{s['symbol']} {s['short']}" for s in BAND_STYLE.values()} <= shown  # every band, with its symbol
    assert set(VARIATION_TEXT.values()) | set(ASSURANCE_TEXT.values()) | set(ICONS) | {d.value for d in Direction} <= shown
    assert len({t.anchor for t in glossary}) == len(glossary)  # one anchor each


def test_about_shows_the_glossary_and_keeps_the_files_names_apart(app):
    at = app("pages/about.py")
    glossary = next(m.value for m in at.markdown if m.value.startswith("<dl>"))
    assert '<dt id="term-dot"><strong>D.o.T.</strong></dt>' in glossary
    assert '<dt id="term-pts"><strong>pts</strong></dt>' in glossary
    assert [h.proto.anchor for h in at.subheader][:1] == ["glossary"]
    columns = at.table[4].value
    assert "Distance from target" in columns.index and "distance" not in columns.index
    downloads = next(m.value for m in at.markdown if m.value.startswith("- `area`"))
    assert "- `suggested_performance_group`:" in downloads


@pytest.fixture
def edge_db(tmp_path, monkeypatch):
    """The shipped data with owners and a viewer, a locked month, a revised figure with a reason, a new
    figure with no commentary, and a withdrawn one (the shipped data has measures with no target)."""
    path = writable_db(tmp_path)
    figures = pd.DataFrame({"measure_id": [OWNED[0], OWNED[1]], "period": ["2022-11", "2022-12"], "value": [12.0, 50.0]})
    store.record_figures(path, figures, user=OWNER, source="form", reason="Late correction")
    store.withdraw_figure(path, OWNED[1], "2022-12", user=ADMIN, reason="Entered against the wrong month")
    store.lock(path, "2022-10", user=ADMIN, reason="Signed off at the board")
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def everything_shown(app, page: str, **query):
    at = app(page, **query)
    assert not at.exception and not at.error, page  # the entrypoint turns a failure into an error message
    return at


@pytest.mark.parametrize("page", MY_PAGES)
def test_no_internal_names_on_the_shipped_data(app, page):
    at = everything_shown(app, page)
    assert offenders(at) == []


def test_no_internal_names_with_edge_data(app, edge_db):
    overview = everything_shown(app, "pages/overview.py")
    overview.selectbox(key="period").set_value("2022-08").run()  # figures missing
    history = everything_shown(app, "pages/history.py")
    texts = [t for _, t in visible_texts(history)]
    assert "Withdrawn" in texts and "Revised" in texts and "Late correction" in texts
    locks = everything_shown(app, "pages/locks.py")
    assert locks.dataframe[0].value.values.tolist()[0][::3] == ["Oct-22", "Signed off at the board"]
    users = everything_shown(app, "pages/users.py")
    assert set(users.dataframe[0].value["Role"]) == {"Administrator", "Data owner", "Viewer"}
    returns = everything_shown(app, "pages/returns.py")
    for at in (overview, history, locks, users, returns):
        assert offenders(at) == [], at.title[0].value
    for measure in store.load(edge_db).measures["measure_id"][:3]:  # one at a time, as a person would
        history.selectbox(key="history_measure").set_value(measure).run()
        assert offenders(history) == []


def configured_help(element) -> dict[str, str | None]:
    """Each column's help as the page configured it (the data frame's column config, by header)."""
    config = json.loads(element.proto.columns or "{}")
    return {name: config.get(name, {}).get("help") for name in element.value.columns}


@pytest.mark.parametrize("page", MY_PAGES[:-1])
def test_every_column_on_screen_has_help_in_the_glossarys_words(app, edge_db, page):
    at = everything_shown(app, page)
    assert at.dataframe, page
    for element in at.dataframe:
        helps = configured_help(element)
        assert all(helps.values()), (page, helps)
        for name, text in helps.items():
            if name in about.SCREEN_COLUMNS:
                assert about.SCREEN_COLUMNS[name] in text


def test_overview_says_improving_or_worsening_beside_the_arrow(app, snapshot):
    at = app()
    improvements, deteriorations = [
        f.value for f in at.dataframe if f.value.columns.tolist() == ["Measure", "Value", "D.o.T.", "Change", "Status"]
    ]
    assert len(improvements) and all(d.endswith(" improving") for d in improvements["D.o.T."])
    assert len(deteriorations) and all(d.endswith(" worsening") for d in deteriorations["D.o.T."])
    lower = snapshot.measures.set_index("name")["polarity"].eq("lower")
    # the arrow is the raw direction: a ↓ on a lower-is-better measure is among the improvements
    assert any(lower[m] and d == "↓ improving" for m, d in zip(improvements["Measure"], improvements["D.o.T."]))
    assert not any(lower[m] and d.startswith("↑") for m, d in zip(improvements["Measure"], improvements["D.o.T."]))


def test_historys_month_and_the_scorecards_month_are_separate_choices(app):
    at = app("pages/scorecard.py")
    at.selectbox(key="period").set_value("2022-06").run()
    at.switch_page("pages/history.py").run()
    assert at.selectbox(key="history_period").value is None  # History still shows all months
    at.selectbox(key="history_period").set_value("2022-09").run()
    assert len(at.dataframe[0].value) and set(at.dataframe[0].value["Month"]) == {"Sep-22"}
    at.switch_page("pages/scorecard.py").run()
    assert at.selectbox(key="period").value == "2022-06"  # the scorecard's own choice is unchanged
    at.switch_page("pages/history.py").run()
    assert at.selectbox(key="history_period").value != "2022-06"  # never the scorecard's month


def test_the_band_and_spc_words_are_distinct_on_the_scorecard_vocabulary():
    assert Band.MET.symbol not in " ".join(ASSURANCE_TEXT.values())
    assert Band.WORSE.symbol not in " ".join(ASSURANCE_TEXT.values())
