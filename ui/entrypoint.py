"""Make every page run go through ``streamlit_app.py``, with Streamlit's public API only.

Streamlit runs the first script run of a server in its legacy multipage mode
("MPA v1") when a folder named ``pages/`` sits beside the entrypoint: a first
visit to ``/scorecard`` runs ``pages/scorecard.py`` alone, without
``streamlit_app.py`` (no page config, no sign-in check, no navigation).
``AppTest`` starts every run in that mode. The first call of the public
``st.navigation`` switches the server out of it for good.

So ``streamlit_app.py`` runs its page inside ``entered()``, and each page
starts with ``ensure()``: a page that finds itself run without the entrypoint
runs the entrypoint itself, in this same script run (no rerun, so a widget's
click is not lost), and stops. The entrypoint's ``st.navigation`` resolves the
requested page from the URL and runs it, this time entered.

A page that is itself the app's main script (``streamlit run pages/submit.py``,
or ``AppTest.from_file`` of a page) has no entrypoint to go through; it runs on
its own and still checks the role itself.

Every page run inside ``entered()`` is also ``guarded()``: an unexpected error is
shown as a short message with a reference, and its traceback goes to the server's
log (Python ``logging``) under the same reference, never to the browser.
"""

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import streamlit as st

from kpicore import store

ENTRYPOINT = Path(__file__).resolve().parent.parent / "streamlit_app.py"
APP_TITLE = "Children's services performance"
# Set while streamlit_app.py runs its page. A script run stays in one thread, and
# each thread has its own context, so sessions running at once do not see each other's.
_entered: ContextVar[bool] = ContextVar("entered", default=False)
log = logging.getLogger(__name__)


@contextmanager
def guarded() -> Iterator[None]:
    """Show an unexpected error as a short message with a reference; log its traceback with the reference.
    A write that waited too long for another (``store.Busy``) is said as it is: nothing was saved, try again.

    Catches ``Exception`` only: Streamlit's control flow (``st.stop``, ``st.rerun``,
    ``st.switch_page``) raises exceptions that are not ``Exception`` subclasses (they derive from
    ``BaseException``, as ``KeyboardInterrupt`` does), so they pass through untouched."""
    try:
        yield
    except store.Busy as busy:  # expected under load: said as it is, with what to do
        text = str(busy)
        st.warning(f"{text[:1].upper()}{text[1:]}.", icon=":material/hourglass:")
    except Exception as error:  # noqa: BLE001 - every unexpected error, told without its details
        reference = secrets.token_hex(3).upper()
        log.error("Unexpected error on a page, reference %s", reference, exc_info=error)
        st.error(
            f"Something went wrong (reference {reference}). Nothing was saved. Tell an administrator this reference.",
            icon=":material/error:",
        )


@contextmanager
def entered() -> Iterator[None]:
    """Mark that the entrypoint is the one running the page, and guard the page (``guarded``).
    ``st.rerun``, ``st.switch_page`` and ``st.stop`` raise exceptions that pass through here and unset the mark."""
    token = _entered.set(True)
    try:
        with guarded():
            yield
    finally:
        _entered.reset(token)


def tab_title(page_title: str) -> str:
    """The browser tab's title on a page: the page first, then the app ("Scorecard · Children's services performance")."""
    return f"{page_title} · {APP_TITLE}"


def title_tab(page_title: str) -> None:
    """Give the browser tab the page's own title (``tab_title``): every page would otherwise share the app's."""
    st.set_page_config(page_title=tab_title(page_title))


def is_entered() -> bool:
    """Whether this script run is inside ``entered()``."""
    return _entered.get()


def entrypoint_is_main() -> bool:
    """Whether ``streamlit_app.py`` is the app's main script: ``st.Page`` resolves a relative
    path against the main script's folder and refuses a file that is not there."""
    try:
        st.Page(ENTRYPOINT.name)
    except Exception:  # StreamlitPageNotFoundError: the main script is elsewhere (a page run directly)
        return False
    return True


def ensure() -> None:
    """First line of every page: if the entrypoint is not running this page, run it instead."""
    if is_entered() or not entrypoint_is_main():
        return
    code = compile(ENTRYPOINT.read_bytes(), str(ENTRYPOINT), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(ENTRYPOINT)})  # noqa: S102 - our own entrypoint
    st.stop()
