"""The scorecard as HTML: one real ``<table>`` per area for a laptop, one card per measure for a phone.

Pure string building, no Streamlit: the page hands the result to ``st.html`` (not iframed, so the
``@media`` rules of ``STYLE`` follow the browser's width and the links open in the same tab). Every
text from the data goes through ``html.escape``; colours and symbols come from
``kpicore.vocab.BAND_STYLE``; whether a move is improving or worsening is the scorecard's ``trend``
column (``kpicore.rules.judge_change``), never judged here.

On a screen wider than ``PHONE_WIDTH`` the table shows, per row: the measure (a link to the explorer,
the row's header), the thirteen months (value, and the band's symbol on the band's colour, the band
named for screen readers), D.o.T. with its judgement in words, and the status. With ``more`` the
secondary columns follow the status (the measure's name stays in view while the table scrolls).
At ``PHONE_WIDTH`` or narrower the cards show instead; only one of the two is ever displayed, so a
screen reader meets each figure once.
"""

from __future__ import annotations

import html
from urllib.parse import quote

import pandas as pd

from kpicore.periods import label, month_columns
from kpicore.rules import IMPROVING, WORSENING
from kpicore.vocab import BAND_STYLE, Band
from ui.present import assurance_text, band_text, comparator_text, format_change, format_value, variation_text

PHONE_WIDTH = 640
"""px: at this width or narrower (a phone, or a laptop at 200% zoom) the cards replace the tables."""

TREND_COLOURS = {IMPROVING: "#17652B", WORSENING: "#A11B1B"}
"""Text colours of the judgement words, each at least 4.5:1 on the table's white."""

MORE_COLUMNS = (
    "Performance group", "Change", "Distance from target", "Target", "Tolerance", "Comparator",
    "SPC variation", "SPC assurance",
)


def _band_classes() -> str:
    """Each band's colours, and its symbol after a month's figure (``.sy``): drawn by CSS, hidden from screen
    readers (they hear the band's name instead), which keeps a region's pages light; a browser without
    CSS alternative text shows the symbol all the same."""
    colours = "".join(
        f".sc-{band.value}{{background:{style['fill']};color:{style['text']}}}" for band, style in BAND_STYLE.items()
    )
    symbols = "".join(
        f'.sy.sc-{band.value}::after{{content:"{style["symbol"]}";content:"{style["symbol"]}" / "";display:block}}'
        for band, style in BAND_STYLE.items()
    )
    return colours + symbols


STYLE = (
    "<style>"
    ".sc-sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0}"
    ".sc-area h2{font-size:1.15rem;font-weight:600;margin:1rem 0 .3rem 0;padding:0}"
    ".sc-wrap{overflow-x:auto;max-width:100%}"
    "table.sc{border-collapse:collapse;font-size:.78rem;line-height:1.25;background:#fff;color:#1F1F1F;width:100%}"
    "table.sc th,table.sc td{border:1px solid #9A9A9A;padding:2px 3px;vertical-align:middle}"
    "table.sc thead th{font-weight:600;text-align:center;background:#F2F2F2;color:#1F1F1F}"
    "table.sc-fit{table-layout:fixed}"
    "table.sc-fit col.cm{width:2.45rem}table.sc-fit col.cd{width:4.7rem}table.sc-fit col.cs{width:6.2rem}"
    "table.sc-more{width:max-content;min-width:100%}"
    "table.sc-more th[scope=row]{width:12rem;min-width:12rem;max-width:12rem;white-space:normal}"
    "table.sc th[scope=row]{text-align:left;font-weight:400;min-width:9rem;position:sticky;left:0;"
    "background:#fff;z-index:1}"
    "table.sc td.m{text-align:center;white-space:nowrap}"
    "table.sc td.dot{text-align:left;white-space:nowrap}"
    "table.sc td.st{text-align:left;font-weight:600}"
    "table.sc td.x{text-align:right;white-space:nowrap}"
    "table.sc td.xt{text-align:left;min-width:7rem}"
    ".sc a{color:#0B5394;text-decoration:underline}"
    ".sc a:focus-visible{outline:3px solid #0B5394;outline-offset:1px}"
    ".sc-killer{font-weight:600}"
    ".sc-area ul.sc-cards{display:none;list-style:none;margin:0;padding:0}"
    ".sc-card{border:1px solid #9A9A9A;border-radius:6px;padding:.5rem .6rem;margin:0 0 .6rem 0;"
    "background:#fff;color:#1F1F1F}"
    ".sc-card h3{font-size:1rem;font-weight:600;margin:0 0 .3rem 0;padding:0;line-height:1.3}"
    ".sc-card p{margin:.2rem 0}"
    ".sc-chip{display:inline-block;padding:0 .35rem;border-radius:4px;border:1px solid #555}"
    ".sc-area ol.sc-strip{display:flex;gap:2px;list-style:none;margin:.35rem 0 0 0;padding:0}"
    ".sc-area ol.sc-strip li{flex:1 1 0;text-align:center;border:1px solid #555;font-size:.8rem;min-width:0;"
    "margin:0;padding:0}"
    ".sc-area li.sc-card{margin:0 0 .6rem 0;padding:.5rem .6rem}"
    ".sc-ends{display:flex;justify-content:space-between;font-size:.8rem;margin:0}"
    ".sc-key{font-size:.85rem;line-height:1.9;margin:0 0 .25rem 0}"
    ".sc-key .sc-chip{margin-right:.25rem;white-space:nowrap}"
    f"{_band_classes()}"
    f"@media (max-width:{PHONE_WIDTH}px){{.sc-wrap{{display:none}}.sc-area ul.sc-cards{{display:block}}}}"
    "</style>"
)
"""The CSS for every scorecard block: a style-only ``st.html`` (it takes no space on the page)."""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def explorer_link(measure_id: str, name: str, killer: bool) -> str:
    """The measure's name as a same-tab link to the explorer; ``★`` and the words for a killer KPI."""
    star = '<span class="sc-killer" aria-hidden="true">★ </span><span class="sc-sr">Killer KPI: </span>' if killer else ""
    return f'<a href="explorer?measure={_e(quote(measure_id, safe=""))}" target="_self">{star}{_e(name)}</a>'


def _band(band: object) -> Band:
    return Band(band) if isinstance(band, str) and band else Band.NO_DATA


def month_cell(value: float, unit: str, band: object) -> str:
    """A month: the value over the band's symbol (``.sy``) on the band's colour; the band named for screen readers."""
    chosen = _band(band)
    shown = format_value(value, unit) or "–"
    words = "no figure" if pd.isna(value) else BAND_STYLE[chosen]["short"]
    return f'<td class="m sy sc-{chosen.value}">{_e(shown)}<span class="sc-sr"> {_e(words)}</span></td>'


def trend_html(dot: object, trend: object) -> str:
    """The arrow with its judgement in words and colour (``↑ worsening``); blank without a change."""
    arrow = dot if isinstance(dot, str) else ""
    if not isinstance(trend, str) or not trend:
        return _e(arrow)
    colour = TREND_COLOURS.get(trend)
    words = f'<span style="color:{colour};font-weight:600">{_e(trend)}</span>' if colour else _e(trend)
    return f"{_e(arrow)} {words}".strip()


def status_html(band: object, status_period: object, period: str, chip: bool = True) -> str:
    """The headline status (on its colour as a chip, or as text for a cell that has the colour); the month
    it is at when that is not ``period`` (a quarterly measure)."""
    chosen = _band(band)
    at = f'<br><span style="font-size:.9em">at {_e(label(status_period))}</span>' if (
        isinstance(status_period, str) and status_period != period
    ) else ""
    text = _e(band_text(chosen.value))
    return (f'<span class="sc-chip sc-{chosen.value}">{text}</span>' if chip else text) + at


def _more_cells(row: pd.Series, unit: str) -> str:
    group = row["performance_group"]
    if not isinstance(group, str):
        suggested = row["suggested_performance_group"]
        group = f"{suggested} (suggested)" if isinstance(suggested, str) else ""
    cells = [
        ("xt", group),
        ("x", format_change(row["change"], unit)),
        ("x", format_change(row["distance"], unit)),
        ("x", format_value(row["target"], unit)),
        ("x", format_value(row["tolerance"], unit)),
        ("xt", comparator_text(row["comparator"], unit, row["comparator_note"])),
        ("xt", variation_text(row["variation"])),
        ("xt", assurance_text(row["assurance"])),
    ]
    return "".join(f'<td class="{kind}">{_e(text)}</td>' for kind, text in cells)


def _table_row(row: pd.Series, months: list[str], unit: str, period: str, more: bool) -> str:
    name = explorer_link(row["measure_id"], row["measure"], bool(row["killer_kpi"]))
    cells = "".join(month_cell(row[m], unit, row[f"band_{m}"]) for m in months)
    extra = _more_cells(row, unit) if more else ""
    return (
        f'<tr><th scope="row">{name}</th>{cells}<td class="dot">{trend_html(row["dot"], row["trend"])}</td>'
        f'<td class="st sc-{_band(row["status"]).value}">{status_html(row["status"], row["status_period"], period, chip=False)}'
        f"</td>{extra}</tr>"
    )


def table_html(area: str, rows: pd.DataFrame, units: pd.Series, period: str, more: bool = False) -> str:
    """One area's table: caption, column headers and a header cell per row (the measure's name)."""
    months = month_columns(rows.columns)
    headers = "".join(f'<th scope="col">{_e(label(m))}</th>' for m in months)
    extra = "".join(f'<th scope="col">{_e(name)}</th>' for name in MORE_COLUMNS) if more else ""
    body = "".join(
        _table_row(row, months, units[row["measure_id"]], period, more) for _, row in rows.iterrows()
    )
    kind = "sc-more" if more else "sc-fit"
    columns = '<col class="cn">' + '<col class="cm">' * len(months) + '<col class="cd"><col class="cs">'
    return (
        f'<div class="sc-wrap"><table class="sc {kind}"><caption class="sc-sr">{_e(area)}</caption><colgroup>{columns}</colgroup><thead><tr><th scope="col">Measure</th>{headers}'
        f'<th scope="col">D.o.T.</th><th scope="col">Status</th>{extra}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _strip(row: pd.Series, months: list[str], unit: str) -> str:
    items = []
    for month in months:
        chosen = _band(row[f"band_{month}"])
        value = format_value(row[month], unit)
        words = f"{value}, {BAND_STYLE[chosen]['short']}" if value else "no figure"
        items.append(f'<li class="sy sc-{chosen.value}"><span class="sc-sr">{_e(label(month))}: {_e(words)}</span></li>')
    ends = f'<p class="sc-ends" aria-hidden="true"><span>{_e(label(months[0]))}</span><span>{_e(label(months[-1]))}</span></p>'
    return f'<ol class="sc-strip" aria-label="13 months">{"".join(items)}</ol>{ends}'


def card_html(row: pd.Series, unit: str, period: str) -> str:
    """One measure on a phone: name, latest value and band, D.o.T. in words, status, a 13-month strip."""
    months = month_columns(row.index)
    latest = format_value(row[period], unit) if period in row.index else ""
    value = f"{_e(label(period))}: {_e(latest)}" if latest else f"no figure for {_e(label(period))}"
    chosen = _band(row.get(f"band_{period}"))
    return (
        f'<li class="sc-card"><h3>{explorer_link(row["measure_id"], row["measure"], bool(row["killer_kpi"]))}</h3>'
        f'<p><span class="sc-chip sc-{chosen.value}">{value} '
        f'<span aria-hidden="true">{_e(chosen.symbol)}</span></span></p>'
        f"<p>D.o.T.: {trend_html(row['dot'], row['trend']) or '–'}</p>"
        f"<p>Status: {status_html(row['status'], row['status_period'], period)}</p>"
        f"{_strip(row, months, unit)}</li>"
    )


def cards_html(area: str, rows: pd.DataFrame, units: pd.Series, period: str) -> str:
    cards = "".join(card_html(row, units[row["measure_id"]], period) for _, row in rows.iterrows())
    return f'<ul class="sc-cards" aria-label="{_e(area)}">{cards}</ul>'


def area_html(area: str, rows: pd.DataFrame, units: pd.Series, period: str, more: bool = False) -> str:
    """An area's block: its heading, its table (laptop) and its cards (phone)."""
    return (
        f'<section class="sc-area"><h2>{_e(area)}</h2>{table_html(area, rows, units, period, more)}'
        f"{cards_html(area, rows, units, period)}</section>"
    )


def key_html() -> str:
    """The visible key: each band's symbol and short name on its colour, and what D.o.T., Status and ★ mean."""
    chips = "".join(
        f'<span class="sc-chip sc-{band.value}">{_e(style["symbol"])} {_e(style["short"])}</span>'
        for band, style in BAND_STYLE.items()
    )
    return (
        f'<div class="sc"><p class="sc-key"><strong>Key.</strong> Each month: the figure over its band, in symbol '
        f"and colour: {chips}</p>"
        '<p class="sc-key"><strong>D.o.T.</strong> (direction of travel): ↑ up, ↓ down or → level since the previous '
        "period, with whether that is <em>improving</em> or <em>worsening</em> for the measure. "
        "<strong>Status</strong>: the band of the latest figure. ★ Killer KPI: a measure the council watches most "
        "closely. A measure's name opens its history in the explorer.</p></div>"
    )
