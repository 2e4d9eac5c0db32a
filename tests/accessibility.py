"""axe-core (``axe-playwright-python``, which bundles it) on a page of the running app: WCAG 2.2 A and AA."""

from __future__ import annotations

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"]}
IDENTITY_BANNER = "Local mode: you are the"
"""The banner every page shows (``ui.identity.banner``, not a page's own content): left out of ``serious``."""


def serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per node (the rule and the node),
    leaving out the identity banner. It waits for a script run to end and no element to be stale first: a rerun
    fades the page, and faded text fails contrast for a moment."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    from tests.browser import IDLE

    expect(page.locator(IDLE)).to_be_attached()
    expect(page.locator("[data-stale=true]")).to_have_count(0)

    found = []
    for violation in Axe().run(page, options=WCAG).response["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            text = page.locator(node["target"][0]).first.inner_text() if len(node["target"]) == 1 else ""
            if IDENTITY_BANNER not in text:
                found.append(f"{violation['id']}: {node['target']} {node['html'][:120]}")
    return found
