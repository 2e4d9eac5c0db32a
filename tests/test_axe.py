"""axe-core (WCAG 2.2 A and AA rules) on every page the local administrator sees, on a laptop and a phone.

No serious or critical violation may be in the app's own content. ``STREAMLIT_OWN`` lists the
few that are Streamlit's own markup, which the app cannot change through Streamlit's public API,
each with its rule, the node and why; any other violation fails the test, named by rule, impact
and node.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser import open_page, streamlit_server

pytestmark = pytest.mark.browser
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SEVERE = {"serious", "critical"}
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Every page the local administrator sees: its path and a heading it shows once it has run.
PAGES = {
    "overview": ("/", "Overview"),
    "scorecard": ("/scorecard", "Scorecard"),
    "explorer": ("/explorer", "Measure explorer"),
    "about": ("/about", "About this dashboard"),
    "submit": ("/submit", "Submit"),
    "upload": ("/upload", "Upload"),
    "returns": ("/returns", "Returns"),
    "history": ("/history", "History"),
    "users": ("/users", "Users"),
    "locks": ("/locks", "Locked months"),
    "catalogue": ("/catalogue", "Catalogue"),
}
# (rule id, data-testid of the node or of its nearest ancestor that has one): Streamlit's own markup,
# which the app cannot change through Streamlit's public API. Only these, and only for these rules.
STREAMLIT_OWN: dict[tuple[str, str], str] = {
    # Under 768 px Streamlit folds the top navigation into a menu: a <ul> whose section heading
    # ("Data entry") is a <header> straight inside the <ul>, so the list holds a non-<li> child
    # and the <li>s after it are not seen as its items. The app only names the sections
    # (st.navigation({"": ..., "Data entry": ...})); the markup is Streamlit's.
    ("list", "stSidebarNavItems"): "a section <header> inside Streamlit's navigation <ul>",
    ("listitem", "stSidebarNavItems"): "the <li>s of that same <ul>",
    # The label of a disabled widget, which Streamlit greys out (textColor at 40%) and marks with a
    # `disabled` attribute on its <label>, which axe does not read as "inactive". WCAG 1.4.3 exempts
    # the text of an inactive user interface component.
    ("color-contrast", "stWidgetLabel[disabled]"): "the label of a disabled widget (WCAG 1.4.3 exempts it)",
}
# Where each node axe reports sits: a disabled widget's label, or the data-testid of the node or of
# its nearest ancestor that has one.
WHERE = """selector => {
    const node = document.querySelector(selector);
    if (!node) return '';
    if (node.closest('label[data-testid=stWidgetLabel][disabled]')) return 'stWidgetLabel[disabled]';
    const named = node.closest('[data-testid]');
    return named ? named.dataset.testid : '';
}"""


def severe_violations(page) -> list[tuple[str, str, str, str]]:
    """(rule id, impact, node selector, where) of every serious or critical WCAG 2.2 A/AA violation on
    ``page``; ``where`` is the data-testid of the node or of its nearest ancestor that has one."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            if (node.get("impact") or violation["impact"]) in SEVERE:
                selector = " ".join(map(str, node["target"]))
                where = page.evaluate(WHERE, selector) if isinstance(node["target"][-1], str) else ""
                found.append((violation["id"], violation["impact"], selector, where))
    return found


def settled(page) -> None:
    """Wait for what a page draws after its script run: its charts' SVG and its visible grids' canvases."""
    for chart in page.locator("[data-testid=stVegaLiteChart]").all():
        expect(chart.locator("svg, canvas").first).to_be_attached()
    for grid in page.locator("[data-testid=stDataFrame]").filter(visible=True).all():  # a hidden tab's grid may not draw
        expect(grid.locator("canvas").first).to_be_attached()


@pytest.fixture(scope="module")
def server(shipped_db):
    with streamlit_server(shipped_db) as url:
        yield url


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(server, browser, name, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        path, heading = PAGES[name]
        open_page(page, server + path)
        expect(page.get_by_role("heading", name=heading).first).to_be_attached()
        settled(page)
        found = [v for v in severe_violations(page) if (v[0], v[3]) not in STREAMLIT_OWN]
    finally:
        context.close()
    assert found == [], "\n".join(f"{rule} ({impact}): {node} [in {where}]" for rule, impact, node, where in found)
