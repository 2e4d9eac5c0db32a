"""Every page run goes through ``streamlit_app.py`` with Streamlit's public API only (``ui/entrypoint.py``)."""

import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import entrypoint

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
# Streamlit's internals: the runtime package, and the page registry whose class flag is the
# legacy multipage mode's switch.
PRIVATE = re.compile(
    r"\bstreamlit\.runtime\b|\bst\.runtime\b|\bfrom\s+streamlit\s+import\s+[^\n]*\bruntime\b"
    r"|\bPagesManager\b|\buses_pages_directory\b"
)
# (file, line) pairs that may still use Streamlit's internals, each with its reason.
ALLOWED = {
    # The app fixture reads what AppTest's download buttons would send: AppTest has no public way
    # to get a download's bytes.
    ("tests/conftest.py", "from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage"),
}


def python_files() -> list[Path]:
    return sorted(
        path for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
        and path != Path(__file__).resolve()
    )


def test_no_private_streamlit_api_in_the_app_or_the_tests():
    found = [
        (str(path.relative_to(ROOT)), line.strip())
        for path in python_files()
        for line in path.read_text(encoding="utf-8").splitlines()
        if PRIVATE.search(line)
    ]
    assert python_files(), "no Python files found"
    assert [hit for hit in found if hit not in ALLOWED] == []


def test_the_legacy_navigation_list_of_page_files_is_never_shown():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showSidebarNavigation"] is False


def test_the_server_neither_watches_source_files_nor_collects_garbage_after_every_run():
    """Both cost the server most of its processor time when ten people open the Scorecard at once
    (`make bench`, case "stream": the warm ten went from 3.2 s each to 0.35 s on the shipped data)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
    assert config["runner"]["postScriptGC"] is False


def test_a_deep_link_in_legacy_mode_goes_through_the_entrypoint(shipped_db, monkeypatch):
    """AppTest starts every run in Streamlit's legacy multipage mode (a pages/ folder sits
    beside streamlit_app.py), which runs the requested page file alone: the banner and the
    page config come only from the entrypoint that ``entrypoint.ensure()`` runs."""
    monkeypatch.setenv("KPI_DB", str(shipped_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/scorecard.py")  # a first visit to /scorecard
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Scorecard"]
    assert at.caption[0].value.startswith(":material/lock: Local mode: you are the administrator")
    at.toggle(key="f_killer").set_value(True).run()  # a widget on the next run: same path
    assert not at.exception and at.query_params["killer"] == "1"
    assert at.caption[0].value.startswith(":material/lock: Local mode")


def test_a_page_that_is_the_main_script_runs_on_its_own(shipped_db, monkeypatch):
    monkeypatch.setenv("KPI_DB", str(shipped_db))
    at = AppTest.from_file(str(ROOT / "pages" / "about.py"), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["About this dashboard"]
    assert not any("Local mode" in c.value for c in at.caption)


class ControlFlow(BaseException):
    """A stand-in for what ``st.rerun``, ``st.stop`` and ``st.switch_page`` raise (not an ``Exception``)."""


def test_the_entered_mark_is_removed_however_the_page_ends():
    with pytest.raises(ControlFlow), entrypoint.entered():  # st.rerun/st.stop raise too: passed through
        raise ControlFlow
    assert not entrypoint.is_entered()
    with entrypoint.entered():  # an error is told as a short message (tests/test_web_errors.py)
        raise RuntimeError
    assert not entrypoint.is_entered()
    with entrypoint.entered():
        assert entrypoint.is_entered()
    assert not entrypoint.is_entered()


def contrast(foreground: str, background: str, alpha: float = 1.0) -> float:
    """WCAG 2.2 contrast ratio of ``foreground`` (at ``alpha`` opacity over ``background``) on ``background``."""
    def channels(colour: str) -> list[float]:
        return [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]

    def luminance(rgb: list[float]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    back = channels(background)
    fore = [alpha * f + (1 - alpha) * b for f, b in zip(channels(foreground), back)]
    light, dark = sorted([luminance(fore), luminance(back)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_theme_reads_at_wcag_aa():
    """Streamlit draws st.caption (and the identity banner, help text) in textColor at 60% opacity:
    4.5:1 or more on the page and on the widgets' grey; a text box's border 3:1 or more (WCAG 1.4.11)."""
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert contrast(theme["textColor"], background) >= 7
        assert contrast(theme["textColor"], background, alpha=0.6) >= 4.5  # st.caption
        assert contrast(theme["linkColor"], background) >= 4.5
        assert contrast(theme["primaryColor"], background) >= 4.5
    assert contrast(theme["borderColor"], theme["backgroundColor"]) >= 3


def test_keyboard_focus_is_a_solid_ring_of_3_to_1():
    """Streamlit's own focus rings are 20-50% opacity (1.48:1 on "Data entry"): assets/app.css draws a solid one."""
    css = (ROOT / "assets" / "app.css").read_text(encoding="utf-8")
    rule = re.search(r":focus-visible\s*\{([^}]*)\}", css).group(1)
    colour = re.search(r"outline:\s*(\d+)px solid (#[0-9A-Fa-f]{6})", rule)
    assert int(colour.group(1)) >= 2 and contrast(colour.group(2), "#FFFFFF") >= 3
    assert 'st.html(ASSETS / "app.css")' in Path(APP).read_text(encoding="utf-8")


def test_the_favicon_is_a_local_file():
    """A Material icon as page_icon makes the browser fetch a font from an outside host
    (tests/test_browser.py proves no request leaves the machine)."""
    source = Path(APP).read_text(encoding="utf-8")
    assert 'page_icon=str(ASSETS / "favicon.png")' in source and ":material/monitoring:" not in source
    assert (ROOT / "assets" / "favicon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"



def test_the_stylesheet_survives_st_html_sanitising():
    """st.html passes its content through DOMPurify, which drops a style element whose text holds
    markup-like text (an "<input>" in a comment was enough): then no focus ring is drawn at all."""
    assert "<" not in (ROOT / "assets" / "app.css").read_text(encoding="utf-8")
