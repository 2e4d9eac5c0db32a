"""Shared fixtures: a database seeded from the shipped dataset, built once per session."""

from pathlib import Path

import pytest

from kpicore import store
from kpicore.snapshot import Snapshot


@pytest.fixture(autouse=True)
def local_mode(monkeypatch):
    """Every test runs the app in local mode (``KPI_LOCAL_MODE=1``, as ``make run`` does), unless it
    removes the setting; the browser tests set it for their servers themselves (``tests/browser.py``)."""
    monkeypatch.setenv("KPI_LOCAL_MODE", "1")


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("shipped") / "kpi.sqlite"
    store.initialise(path)
    return path


@pytest.fixture(scope="session")
def snapshot(shipped_db) -> Snapshot:
    return store.load(shipped_db)


@pytest.fixture(scope="module")
def database(tmp_path_factory, request) -> Path:
    """A test module's own database, seeded from the shipped dataset, which its tests may write to
    (a module may define its own ``database`` instead: ``server`` then serves that one)."""
    path = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]) / "kpi.sqlite"
    store.initialise(path)
    return path


@pytest.fixture(scope="module")
def server(database):
    """``streamlit run`` against the module's ``database``, for its browser tests; its URL."""
    from tests.browser import streamlit_server

    with streamlit_server(database) as url:
        yield url


@pytest.fixture
def app(shipped_db, monkeypatch):
    """An ``AppTest`` of the whole app on the shipped data, with ``downloads(at)`` to read
    what each download button would send (by key).

    The one use of Streamlit's internals in the project (``tests/test_entrypoint.py`` allows only
    this line): ``AppTest`` has no public way to read a download's bytes, so the media storage it
    creates is recorded. If Streamlit moves it, this import fails and every page test errors at
    once, loudly. The browser tests download the same files through a real server."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import app_test as app_test_module

    monkeypatch.setenv("KPI_DB", str(shipped_db))
    storages: list[MemoryMediaFileStorage] = []

    def recording_storage(*args, **kwargs):
        storage = MemoryMediaFileStorage(*args, **kwargs)
        storages.append(storage)
        return storage

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", recording_storage)

    def downloads(at) -> dict[str, bytes]:
        found = {}
        for button in at.download_button:
            name = button.proto.url.rsplit("/", 1)[-1]
            found[button.key] = storages[-1].get_file(name).content
        return found

    def start(page: str | None = None, **query) -> AppTest:
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "streamlit_app.py"), default_timeout=60)
        at.query_params.update(query)
        if page:
            at.switch_page(page)
        return at.run()

    start.downloads = downloads
    return start


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright; started once for all browser tests."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for the browser tests: install Debian's chromium ({CHROMIUM})")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser page at 1280 px wide that records any JavaScript error in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
