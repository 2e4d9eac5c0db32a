"""The monthly Submit form: its fields, named for their measure and month; each value's band
announced as it changes; a refused save's problems listed at the top, each linked to its field;
and the save bar, ahead of the fields and kept in view, so that nobody tabs through every row to save.

What a person typed (commentary, values) and the catalogue's names are escaped wherever they are
shown as HTML; the only script is this module's own constant ``_FOCUS_SCRIPT``.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from kpicore import store
from kpicore.periods import label
from kpicore.problems import Problem
from kpicore.vocab import BAND_STYLE, Band, PerformanceGroup, Unit
from kpicore.workflows import submission
from ui import data
from ui.identity import plain
from ui.present import band_text, format_value

FIELDS = {"value": "Value", "commentary": "Commentary", "performance_group": "Performance group"}
"""The form's fields as people read them, by the column a problem names."""
_KEYS = {"value": "value", "commentary": "commentary", "performance_group": "group"}
"""Each field's widget key prefix: ``{prefix}_{period}_{measure_id}``."""
ONE_FORM = 15
"""The most measures shown on one form: a form with more shows one thematic area at a time
(a few dozen fields: quick to draw, and few Tab presses through)."""
DRAFTS = "submit_drafts"
"""Session state: what was typed in each field (by widget key), kept while the person switches area or page
until it is saved or reloaded. A field's value comes from its widget, then its draft, then what is recorded."""

# The save bar stays in view on screens wide enough for it, just below Streamlit's header (a phone keeps it
# at the top of the form, the first thing after the month). Streamlit wraps a keyed container in a layout
# wrapper: that wrapper is what sticks. The page's scroll padding keeps a field that takes focus out from
# under the bar (WCAG 2.4.11): the browser scrolls it below the bar, not merely into the window.
_STYLE = """<style>
@media (min-width: 640px) {
  [data-testid="stLayoutWrapper"]:has(> .st-key-save_bar) {
    position: sticky; top: 3.75rem; z-index: 99; background: var(--kpi-save-bar, #ffffff);
    border-bottom: 1px solid #6b6b6b; padding: 0.25rem 0 0.75rem 0;
  }
  [data-testid="stMain"]:has(.st-key-save_bar) { scroll-padding-top: 10rem; }
}
</style>"""
# A link in the problem list moves focus into its field (the anchor next to the field is the fallback).
_FOCUS_SCRIPT = """<script>
(() => {
  if (window.kpiFieldLinks) return;
  window.kpiFieldLinks = true;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-field]");
    if (!link) return;
    const box = document.querySelector(".st-key-" + CSS.escape(link.dataset.field));
    const field = box && box.querySelector("input, textarea");
    if (!field) return;
    event.preventDefault();
    field.focus({preventScroll: true});
    box.scrollIntoView({block: "center"});
  });
})();
</script>"""


def key(field: str, period: str, measure_id: str) -> str:
    """The widget key of ``field`` (a column a problem names) for one measure and month."""
    return f"{_KEYS[field]}_{period}_{measure_id}"


def names(measure: str, period: str) -> dict[str, str]:
    """Each field's accessible name: what it is, for which measure and month (``Dec-22 value for …``).
    Each starts with the words shown beside the field, so a name spoken is a name seen."""
    month = label(period)
    return {
        "value": f"{month} value for {measure}",
        "commentary": f"Commentary for {measure}, {month}",
        "performance_group": f"Performance group for {measure}, {month}",
    }


def page_style() -> None:
    """The save bar's place and the problem links' focus: once per run, before the form."""
    background = st.get_option("theme.backgroundColor") or "#ffffff"
    st.html(_STYLE.replace("var(--kpi-save-bar, #ffffff)", html.escape(background)))
    st.html(_FOCUS_SCRIPT, unsafe_allow_javascript=True)


# --- what the form holds -------------------------------------------------------------------------


def _prefill(row: pd.Series) -> dict:
    return {
        "value": "" if pd.isna(row["value"]) else f"{row['value']:g}",
        "commentary": "" if pd.isna(row["commentary"]) else row["commentary"],
        "performance_group": row["performance_group"] if isinstance(row["performance_group"], str) else "",
    }


def drafts() -> dict[str, str]:
    """What was typed and not yet saved, by widget key (every area and month)."""
    return st.session_state.get(DRAFTS, {})


def keep_draft(field_key: str) -> None:
    """A field's ``on_change``: keep what was typed, so that it survives the field not being drawn
    (another area shown) until it is saved."""
    st.session_state.setdefault(DRAFTS, {})[field_key] = st.session_state[field_key]


def _filled(row: pd.Series, period: str) -> dict:
    """What each field of ``row`` holds before this run draws it: its draft, else what is recorded."""
    kept, prefill = drafts(), _prefill(row)
    return {field: kept.get(key(field, period, row["measure_id"]), prefill[field]) for field in FIELDS}


def typed(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    """What the form holds right now (typed, a draft kept from before, or pre-filled from what is recorded),
    one row per measure in form order, read before the fields are drawn: for each value's band, and for the
    save at the top."""
    entries = []
    for _, row in rows.iterrows():
        filled = _filled(row, period)
        entries.append({
            "measure_id": row["measure_id"],
            **{field: st.session_state.get(key(field, period, row["measure_id"]), filled[field]) for field in FIELDS},
        })
    frame = pd.DataFrame(entries, columns=["measure_id", *FIELDS])
    frame["performance_group"] = frame["performance_group"].map(lambda group: group or None)
    return frame


# --- the fields --------------------------------------------------------------------------------------


def band_status(preview_row: pd.Series | None) -> str:
    """What the field's live region says about the value typed: its band (and that commentary is then
    required when it is worse than target), what is wrong with it, or that there is none yet."""
    problem = None if preview_row is None else preview_row.get("problem")
    band = None if preview_row is None else preview_row.get("band")
    if isinstance(problem, str):
        words = f'<span style="color:#a4000f;font-weight:600">Not accepted: the value {html.escape(problem)}</span>'
    elif isinstance(band, str):
        words = f"Band: {band_chip(band)}"
        if band in submission.WORSE:
            words += " Worse than target: commentary is required."
    else:
        words = "Band: none yet (no value)."
    return f'<div role="status" aria-live="polite" aria-atomic="true">{words}</div>'


def band_chip(band: str) -> str:
    """A band as a coloured chip with its symbol and words: our own constant text, escaped."""
    style = BAND_STYLE[Band(band)]
    return (
        f'<span style="display:inline-block;padding:2px 8px;border:1px solid #555;border-radius:4px;'
        f'background:{style["fill"]};color:{style["text"]}">{html.escape(band_text(band))}</span>'
    )


def field_error(where, field_key: str, message: str | None) -> None:
    """The refused save's problem with this field, just above it: the target of the problem's link."""
    if message:
        where.html(
            f'<p id="fix-{field_key}" tabindex="-1" style="color:#a4000f;font-weight:600;margin:0">'
            f"Problem: {html.escape(message)}</p>"
        )


def figure_fields(row: pd.Series, period: str, preview_row: pd.Series | None, problems: dict[str, str]) -> None:
    """One measure on the monthly form: what it is, last figure and target, then value (its band below it,
    announced), commentary and performance group; ``problems`` by field key from a refused save."""
    unit, measure_id = Unit(row["unit"]), row["measure_id"]
    called, prefill, month = names(row["measure"], period), _filled(row, period), label(period)
    keys = {field: key(field, period, measure_id) for field in FIELDS}
    with st.container(border=True):
        about, value_column, words = st.columns([4, 2, 4])
        about.markdown(f"**{plain(row['measure'])}**")
        last = "none" if pd.isna(row["last_value"]) else f"{format_value(row['last_value'], unit)} ({label(row['last_period'])})"
        target = "none" if pd.isna(row["target"]) else format_value(row["target"], unit)
        about.markdown(f"Last: {last} · Target: {target} · {unit.label}")
        value_column.markdown(f"{month} value")
        field_error(value_column, keys["value"], problems.get(keys["value"]))
        value_column.text_input(
            called["value"], value=prefill["value"], key=keys["value"], label_visibility="collapsed",
            placeholder="e.g. 77.6" if unit is Unit.PERCENT else "e.g. 52", on_change=keep_draft, args=(keys["value"],),
        )
        value_column.markdown(band_status(preview_row), unsafe_allow_html=True)
        words.markdown("Commentary")
        field_error(words, keys["commentary"], problems.get(keys["commentary"]))
        words.text_area(
            called["commentary"], value=prefill["commentary"], key=keys["commentary"], height=68,
            label_visibility="collapsed", on_change=keep_draft, args=(keys["commentary"],),
        )
        words.markdown("Performance group")
        field_error(words, keys["performance_group"], problems.get(keys["performance_group"]))
        groups = ["", *[g.value for g in PerformanceGroup]]
        words.selectbox(
            called["performance_group"], groups, index=groups.index(prefill["performance_group"]),
            key=keys["performance_group"], format_func=lambda g: g or "(not set)", label_visibility="collapsed",
            on_change=keep_draft, args=(keys["performance_group"],),
        )


# --- a refused save ------------------------------------------------------------------------------------


def refusal(problems: list[Problem], rows: pd.DataFrame, period: str) -> list[dict]:
    """A refused save's problems, each tied to its field: the measure (row ``n`` is the ``n``-th measure
    on the form), the month, the field, what was found and what is wrong. A problem with the month or the
    measure itself (locked, not yours) points at the measure's value; the reason's at the reason; another one
    with no row at the first value."""
    measure_ids, measures = rows["measure_id"].tolist(), rows["measure"].tolist()
    found = []
    for problem in problems:
        if problem.column == "reason":
            found.append({"measure_id": None, "measure": "", "month": label(period), "field": "Reason for any revision",
                          "value": "", "problem": problem.message, "key": "reason"})
            continue
        index = problem.row - 1 if problem.row else 0
        field = problem.column if problem.column in ("commentary", "performance_group") else "value"
        found.append({
            "measure_id": measure_ids[index], "measure": measures[index] if problem.row else "",
            "month": label(period), "field": FIELDS[field] if problem.row else "The form", "value": problem.value, "problem": problem.message,
            "key": key(field, period, measure_ids[index]),
        })
    return found


def problem_summary(found: list[dict]) -> None:
    """The refused save at the top of the form: how many problems, then each as a link to its field."""
    count = f"{len(found)} problem{'s' if len(found) != 1 else ''}"
    items = []
    for item in found:
        where = f"{item['measure']}, {item['month']}, {item['field'].lower()}" if item["measure"] else item["field"]
        typed_text = f" (you gave “{item['value']}”)" if item["field"] == FIELDS["value"] and item["value"] else ""
        items.append(
            f'<li><a href="#fix-{item["key"]}" data-field="{item["key"]}">{html.escape(where)}{html.escape(typed_text)}: '
            f"{html.escape(item['problem'])}</a></li>"
        )
    st.html(
        '<div role="alert" aria-labelledby="submit-problems-title" style="border:2px solid #a4000f;'
        'border-radius:6px;padding:0.75rem 1rem">'
        f'<h2 id="submit-problems-title" style="font-size:1.1rem;margin:0 0 0.5rem 0">'
        f"Nothing was saved: {count}. Correct each one, then save again.</h2>"
        f'<ul style="margin:0">{"".join(items)}</ul></div>'
    )


def refused_here(period: str, rows: pd.DataFrame) -> list[dict]:
    """The last refused save's problems (kept until the next save) with a field on the form as it is now:
    the same month, and measures still shown."""
    refused = st.session_state.get("submit_refused")
    if not refused or refused["period"] != period:
        return []
    shown = {None, *rows["measure_id"]}
    return [item for item in refused["found"] if item["measure_id"] in shown]


def ask_to_save() -> None:
    """Save's callback: the run it starts saves before it draws anything, so that the refusal's problems
    are shown beside every field they name, the reason's included."""
    st.session_state["submit_save"] = True


def on_field(found: list[dict]) -> dict[str, str]:
    """The refused save's problems by field key, to show beside each field (the first one for each)."""
    by_key: dict[str, str] = {}
    for item in found:
        by_key.setdefault(item["key"], item["problem"])
    return by_key


# --- what the person saw: a save is checked against it ---------------------------------------------


def filled_from(rows: pd.DataFrame, period: str) -> store.Seen:
    """What each field of the form was filled from (version and value), remembered when it was first drawn.

    Call before the fields are drawn. A measure whose fields are neither in the session nor kept as a
    draft (first shown, or shown again after another month or area with nothing typed) is being filled
    now, from ``rows``; one already there, or with a draft, keeps what it was filled from, whatever has
    been recorded since: a draft typed over a figure a colleague then changed is refused as stale."""
    now, kept = submission.form_seen(rows, period), drafts()
    for measure_id in rows["measure_id"]:
        held = key("value", period, measure_id) in st.session_state or any(
            key(field, period, measure_id) in kept for field in FIELDS
        )
        if not held or f"seen_{period}_{measure_id}" not in st.session_state:
            st.session_state[f"seen_{period}_{measure_id}"] = now[(measure_id, period)]
    return {(m, period): st.session_state[f"seen_{period}_{m}"] for m in rows["measure_id"]}


def reload_fields(period: str, measure_ids: list[str]) -> None:
    """Fill the fields of ``measure_ids`` with what is recorded now (their drafts forgotten), and remember
    that they were filled from it. Only before the fields are drawn: in a button's callback, or at the top of a run."""
    rows = submission.form_rows(data.snapshot(), measure_ids, period)
    now, kept = submission.form_seen(rows, period), drafts()
    for _, row in rows.iterrows():
        prefill, measure_id = _prefill(row), row["measure_id"]
        for field in FIELDS:
            st.session_state[key(field, period, measure_id)] = prefill[field]
            kept.pop(key(field, period, measure_id), None)
        st.session_state[f"seen_{period}_{measure_id}"] = now[(measure_id, period)]


def reload_changed(period: str, measure_ids: list[str]) -> None:
    """The refusal's button: the changed figures' fields refilled with the latest, the others as typed."""
    reload_fields(period, measure_ids)
    st.session_state.pop("submit_stale", None)
    count = f"{len(measure_ids)} figure{'s' if len(measure_ids) > 1 else ''}"
    st.session_state["submit_reloaded"] = (
        f"Reloaded {count} with the latest recorded values; your other entries are as you typed them. "
        "Check them, change what you need, then save again."
    )


# --- one thematic area at a time ---------------------------------------------------------------------


def unsaved(rows: pd.DataFrame, period: str) -> pd.Series:
    """For each measure of ``rows`` (by ``measure_id``): whether a draft differs from what is recorded."""
    kept = drafts()
    differs = pd.Series(False, index=rows["measure_id"].to_numpy())
    if not any(k.split("_", 2)[1:2] == [period] for k in kept):
        return differs
    for _, row in rows.iterrows():
        prefill = _prefill(row)
        differs[row["measure_id"]] = any(
            kept.get(key(field, period, row["measure_id"]), prefill[field]) != prefill[field] for field in FIELDS
        )
    return differs


def area_counts(rows: pd.DataFrame, areas: pd.DataFrame, period: str) -> pd.DataFrame:
    """Each thematic area with measures on the form, in catalogue order (indexed by ``area_id``): its
    name, how many measures, how many still lack a recorded figure for ``period`` (``to_enter``) and how many
    have typed figures not yet saved (``unsaved``)."""
    counted = pd.DataFrame({
        "area_id": rows["area_id"].to_numpy(), "measures": 1, "to_enter": rows["value"].isna().to_numpy(),
        "unsaved": unsaved(rows, period).to_numpy(),
    }).groupby("area_id", sort=False).sum()
    shown = areas.set_index("area_id").loc[lambda a: a.index.isin(counted.index), ["name"]]
    return shown.join(counted.astype(int))


def area_label(area: pd.Series) -> str:
    """An area as the selector lists it: ``Early Help — 3 of 8 to enter`` (and any figures not saved)."""
    text = f"{area['name']} — {area['to_enter']} of {area['measures']} to enter"
    return text + (f", {area['unsaved']} not saved" if area["unsaved"] else "")


def first_to_enter(counts: pd.DataFrame) -> int:
    """The position of the area the form opens at: the first with figures still to enter, else the first."""
    waiting = counts["to_enter"].to_numpy().nonzero()[0]
    return int(waiting[0]) if len(waiting) else 0


def choose_area(counts: pd.DataFrame) -> str:
    """The Area selector (the first area with figures to enter until the person chooses) and what it chose."""
    chosen = st.session_state.get("area")
    if chosen not in counts.index:
        st.session_state.pop("area", None)  # a month without that area: start again from the default
    elif st.session_state.get("area_label") != area_label(counts.loc[chosen]):
        # its counts changed (a save, a draft): set it again, or Streamlit's selector keeps showing the old words
        st.session_state["area"] = chosen
    chosen = st.selectbox(
        "Area", counts.index.tolist(), index=0 if "area" in st.session_state else first_to_enter(counts), key="area",
        format_func=lambda area: area_label(counts.loc[area]),
        help="The form shows one thematic area at a time. What you type is kept when you switch area, until you save it.",
    )
    st.session_state["area_label"] = area_label(counts.loc[chosen])
    return chosen


def forget_area() -> None:
    """The month's ``on_change``: another month's form opens at its own first area with figures to enter."""
    st.session_state.pop("area", None)


def unsaved_note(counts: pd.DataFrame, shown: str) -> None:
    """Say which areas hold figures typed but not saved: Save saves only the area on screen.

    With nothing unsaved the note's place is kept empty (``st.empty``): an element appearing above the
    form would move every field below it, and Streamlit would draw them afresh, replacing each band's
    live region instead of changing its text (a screen reader would not hear the new band)."""
    waiting = counts[counts["unsaved"] > 0]
    if waiting.empty:
        st.empty()
        return
    parts = [
        f"{n} figure{'s' if n != 1 else ''} in {plain(name)}{' (on screen)' if area == shown else ''}"
        for area, name, n in zip(waiting.index, waiting["name"], waiting["unsaved"])
    ]
    st.markdown(
        f":material/edit_note: **Not saved yet:** {', '.join(parts)}. They are kept while you switch area; "
        "Save figures saves the area on screen, so choose each area to save its figures."
    )
