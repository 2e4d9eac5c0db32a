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
