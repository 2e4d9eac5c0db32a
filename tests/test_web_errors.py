"""An unexpected error on any page is a short message with a reference, never a traceback: the
traceback, with the same reference, is in the server's log only. Streamlit's own control flow
(``st.stop``, ``st.rerun``, ``st.switch_page``) passes through untouched. The upload widget's own
size limit is the Upload page's limit."""

import logging
import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpicore.files.upload.limits import MB, UPLOAD_LIMITS
from tests.entry import OWNER, read, writable_db
from tests.test_pages_submit import start, upload_file

ROOT = Path(__file__).resolve().parent.parent
SECRET = f"{ROOT}/data/private/kpi.sqlite"  # a server path that must never reach the browser
SHORT = re.compile(
    r"^Something went wrong \(reference ([0-9A-F]{6})\)\. Nothing was saved\. Tell an administrator this reference\.$"
)
PAGES = ["overview", "scorecard", "explorer", "about", "submit", "upload", "returns", "history", "users", "locks",
         "catalogue"]


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = writable_db(tmp_path)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def everything_shown(at: AppTest) -> str:
    """Every element of the page, as the messages sent to the browser."""
    texts = []

    def walk(node) -> None:
        texts.append(str(getattr(node, "proto", "")))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    walk(at.sidebar)
    return "\n".join(texts)


def assert_short_message_only(at: AppTest, caplog) -> str:
    """The page shows the short message and no detail; the log has the traceback under the same reference."""
    assert not at.exception
    messages = [e.value for e in at.error]
    assert len(messages) == 1 and SHORT.match(messages[0]), messages
    reference = SHORT.match(messages[0]).group(1)
    page = everything_shown(at)
    for detail in ("Traceback", SECRET, str(ROOT), "OSError", "ValueError", ".py"):
        assert detail not in page
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR and logged[0].exc_info
    assert "Traceback" in caplog.text and SECRET in caplog.text
    return reference


@pytest.mark.parametrize("page", PAGES)
def test_an_unexpected_error_on_any_page_is_a_short_message_with_a_reference(db, monkeypatch, caplog, page):
    from ui import data

    def broken():
        raise OSError(f"disk I/O error reading {SECRET}")

    monkeypatch.setattr(data, "version", broken)  # every cached reader asks the data version first
    caplog.set_level(logging.ERROR)
    at = start(page)
    assert_short_message_only(at, caplog)


def test_an_unexpected_error_reading_an_upload_is_a_short_message(db, monkeypatch, caplog):
    from kpicore.workflows import submission

    def broken(*args, **kwargs):
        raise ValueError(f"cannot parse {SECRET}")

    caplog.set_level(logging.ERROR)
    at = start("upload", email=OWNER)
    monkeypatch.setattr(submission, "plan_file", broken)
    at = upload_file(at, "long-valid.csv", read("long-valid.csv"))
    assert_short_message_only(at, caplog)


def test_an_unexpected_error_before_the_page_runs_is_a_short_message(db, monkeypatch, caplog):
    """Finding who is signed in fails (the database unreadable): the entrypoint says so as a page would."""
    from ui import identity

    def broken():
        raise OSError(f"disk I/O error reading {SECRET}")

    monkeypatch.setattr(identity, "current", broken)
    caplog.set_level(logging.ERROR)
    assert_short_message_only(start(), caplog)


def test_a_write_that_waited_too_long_says_so_and_what_to_do(db, monkeypatch, caplog):
    from kpicore import store
    from ui import data

    def busy():
        raise store.Busy(30)

    monkeypatch.setattr(data, "snapshot", busy)
    at = start("submit", email=OWNER)
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "Another change is being saved; waited 30 s; nothing was written, try again."
    ]


def test_each_error_has_its_own_reference(db, monkeypatch, caplog):
    from ui import data

    monkeypatch.setattr(data, "version", lambda: 1 / 0)
    caplog.set_level(logging.ERROR)
    first = SHORT.match(start("scorecard").error[0].value).group(1)
    second = SHORT.match(start("scorecard").error[0].value).group(1)
    assert first != second


CONTROL_FLOW = """
import streamlit as st
from ui import entrypoint

with entrypoint.entered():
    if not st.session_state.get("rerun_done"):
        st.session_state["rerun_done"] = True
        st.rerun()
    st.write("after the rerun")
with entrypoint.entered():
    st.stop()
st.write("never shown")
"""


def test_streamlit_control_flow_passes_through_untouched(db):
    at = AppTest.from_string(CONTROL_FLOW, default_timeout=60).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["after the rerun"]


SWITCH = """
import streamlit as st
from ui import entrypoint

def first():
    st.write("first page")
    st.switch_page(second)

second = st.Page(lambda: st.write("second page"), title="Second", url_path="second")
navigation = st.navigation([st.Page(first, title="First", default=True), second])
with entrypoint.entered():
    navigation.run()
"""


def test_switching_page_passes_through_untouched(db):
    at = AppTest.from_string(SWITCH, default_timeout=60).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["second page"]


def test_the_browser_is_never_shown_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"  # the least of full, stacktrace, type, none


def test_the_upload_widgets_limit_is_the_upload_pages_limit(db):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * MB == UPLOAD_LIMITS.max_file_bytes
    at = start("upload", email=OWNER)
    assert at.file_uploader[0].proto.max_upload_size_mb * MB == UPLOAD_LIMITS.max_file_bytes
