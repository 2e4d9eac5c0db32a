"""Scorecard filters and the chosen month, kept in the URL and in the session, so that a
link reproduces the view and the choices survive a visit to another page."""

from __future__ import annotations

import streamlit as st

from kpicore.periods import label
from kpicore.reports.filters import TRENDS, Filters
from kpicore.spc import Assurance, PointType
from kpicore.vocab import Band
from ui.present import band_text

_FILTERS = "scorecard_filters"
_PERIOD = "scorecard_period"
_LISTS = ("area", "band", "trend", "variation", "assurance")


def _query() -> dict:
    query = st.query_params.to_dict()
    for key in _LISTS:
        if len(st.query_params.get_all(key)) > 1:
            query[key] = st.query_params.get_all(key)
    return query


def current() -> Filters:
    """The filters of this session; on a session's first page they come from the URL."""
    if _FILTERS not in st.session_state:
        st.session_state[_FILTERS] = Filters.from_query(_query())
    return st.session_state[_FILTERS]


def period(periods: list[str]) -> str:
    """A month chooser (newest first) whose choice is shared by every page and kept in the URL."""
    if _PERIOD not in st.session_state:
        wanted = st.query_params.get("period")
        st.session_state[_PERIOD] = wanted if wanted in periods else periods[0]
    st.session_state.setdefault("period", st.session_state[_PERIOD])
    chosen = st.selectbox("Scorecard as at", periods, format_func=label, key="period")
    st.session_state[_PERIOD] = chosen
    return chosen


def widgets(areas: dict[str, str]) -> Filters:
    """The filter widgets in the sidebar (``areas``: id to name), started from this session's filters."""
    filters = current()
    defaults = {
        "f_area": [a for a in filters.areas if a in areas],
        "f_band": list(filters.bands),
        "f_killer": filters.killer_only,
        "f_trend": list(filters.trends),
        "f_search": filters.search,
        "f_variation": [v for v in filters.variation if v in set(PointType)],
        "f_assurance": [a for a in filters.assurance if a in set(Assurance)],
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    with st.sidebar:
        st.header("Filters")
        chosen = Filters(
            areas=tuple(st.multiselect("Thematic area", list(areas), format_func=areas.get, key="f_area")),
            bands=tuple(st.multiselect(
                "Status", [b.value for b in Band],
                format_func=band_text, key="f_band",
            )),
            killer_only=st.toggle("Killer KPIs only", key="f_killer"),
            trends=tuple(st.multiselect("Since last period", list(TRENDS), format_func=str.capitalize, key="f_trend")),
            search=st.text_input("Search measures", key="f_search", placeholder="words in the measure's name"),
            variation=tuple(st.multiselect(
                "SPC variation", [p.value for p in PointType], format_func=lambda p: PointType(p).label, key="f_variation"
            )),
            assurance=tuple(st.multiselect(
                "SPC assurance", [a.value for a in Assurance], format_func=lambda a: Assurance(a).label, key="f_assurance"
            )),
        )
    return chosen


def remember(filters: Filters, chosen_period: str) -> None:
    """Keep ``filters`` for this session and write them and the month to the URL."""
    st.session_state[_FILTERS] = filters
    query = filters.to_query() | {"period": chosen_period}
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


_PAGE = "scorecard_page"


def page_number(chosen_period: str, filters: Filters) -> int:
    """The page of the scorecard this session is on (0-based); back to the first whenever the month or
    the filters change."""
    view = (chosen_period, filters)
    kept = st.session_state.get(_PAGE)
    if not kept or kept[0] != view:
        st.session_state[_PAGE] = (view, 0)
    return st.session_state[_PAGE][1]


def _turn(chosen_period: str, filters: Filters, page: int) -> None:
    st.session_state[_PAGE] = ((chosen_period, filters), page)


def pager(chosen_period: str, filters: Filters, page: int, pages: int) -> None:
    """Previous and Next buttons under the tables, when the scorecard has more than one page."""
    if pages <= 1:
        return
    back, where, forward = st.columns([1, 2, 1])
    back.button("← Previous", key="page_previous", disabled=page == 0, on_click=_turn,
                args=(chosen_period, filters, page - 1), width="stretch")
    where.markdown(f"Page {page + 1} of {pages}", text_alignment="center")
    forward.button("Next →", key="page_next", disabled=page >= pages - 1, on_click=_turn,
                   args=(chosen_period, filters, page + 1), width="stretch")
