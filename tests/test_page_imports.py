"""A page's first run on a new server imports only what it uses: the Scorecard, the overview and About
draw no chart, so Altair (about a quarter of a second to import) waits for the first chart.

Each page runs in a fresh interpreter with AppTest (``sys.modules`` of this one already holds everything)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("streamlit_app.py", default_timeout=120)
at.switch_page(sys.argv[1])
at.run()
print(json.dumps({"failed": bool(at.exception), "altair": "altair" in sys.modules}))
"""


def _first_run(page: str, db: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, page], capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "KPI_DB": str(db), "KPI_LOCAL_MODE": "1"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("page", ["pages/scorecard.py", "pages/overview.py", "pages/about.py"])
def test_a_page_without_a_chart_does_not_import_altair(page, shipped_db):
    assert _first_run(page, shipped_db) == {"failed": False, "altair": False}


def test_the_explorer_imports_altair_for_its_chart(shipped_db):
    assert _first_run("pages/explorer.py", shipped_db) == {"failed": False, "altair": True}
