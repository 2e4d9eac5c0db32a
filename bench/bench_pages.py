"""Time each leader page's script run with Streamlit's AppTest on the shipped data: the first run
(cold caches) and the best of the next five (warm caches, as on every later page view).

Run with ``make bench``. Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from kpicore import store  # noqa: E402

PAGES = ("pages/overview.py", "pages/scorecard.py", "pages/explorer.py", "pages/about.py")


def main() -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KPI_DB"] = str(Path(folder) / "kpi.sqlite")
        store.initialise(os.environ["KPI_DB"])
        for page in PAGES:
            at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
            at.switch_page(page)
            start = time.perf_counter()
            at.run()
            cold = time.perf_counter() - start
            warm = []
            for _ in range(5):
                start = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - start)
            assert not at.exception, at.exception
            print(f"{page:22s} first run {cold * 1000:6.0f} ms, later runs {min(warm) * 1000:6.0f} ms "
                  f"({cold / min(warm):.1f}x faster with warm caches)")


if __name__ == "__main__":
    main()
