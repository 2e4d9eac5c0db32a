"""``make bench``: how fast the product is, against a floor measured in the same run.

For the shipped data and for a synthetic region (``python -m kpicore demo``: 2,000 measures x
120 months), each case is timed in a fresh Python process, so its peak memory (the process's
maximum resident set, from ``os.wait4``) is its own. Each case has a **floor**: the same rows
moved by bare ``csv`` and ``sqlite3`` with no rules, validation or history (reading the rows a
case reads, writing the rows it writes), timed the same way, interleaved with the product's runs.
The ratio product / floor is what to watch: the machine is shared and noisy, so absolute times
move between runs and ratios much less. Figures are medians of ``--repeat`` runs (default 3).

    .venv/bin/python bench/bench.py [--repeat 3] [--quick] [--markdown docs/benchmarks.md]

``--quick`` skips the region-sized data. Nothing is asserted: this reports, it does not gate.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADMIN = "admin@localhost"
REGION = {"measures": 2000, "months": 120, "seed": 42, "end": "2026-08"}  # 2016-09 to 2026-08
RETURN_MONTH = "2026-09"
HISTORY_FROM = "2025-01"  # the region's figures before this month (100 months) are its history file


# ---------------------------------------------------------------- cases, run in a child process


def _scorecard(db: str) -> int:
    from kpicore import store
    from kpicore.files.csv_writer import write_csv
    from kpicore.reports import scorecard

    snapshot = store.load(db)
    return len(write_csv(scorecard.build(snapshot)))


def _scorecard_floor(db: str) -> int:
    """Every stored figure read (the scorecard's SPC columns depend on each measure's whole history),
    the catalogue read, and the 13-month window written as CSV."""
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT measure_id, period, value FROM observation_versions").fetchall()
    for table in ("measures", "targets", "comparators", "areas"):
        connection.execute(f"SELECT * FROM {table}").fetchall()
    latest = max(period for _, period, _ in rows)
    year, month = int(latest[:4]), int(latest[5:])
    first = f"{year - 1 if month < 12 else year:04d}-{(month % 12) + 1:02d}"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(row for row in rows if first <= row[1] <= latest)
    return len(buffer.getvalue())


def _cpu() -> float:
    """Processor seconds (user + system) of this process and the children it waited for."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _command_work(product: list[str], start_up: list[str]) -> dict:
    """A command's work: its wall and processor time less those of ``start_up`` (medians of 3)."""
    def run(command: list[str]) -> tuple[float, float]:
        start, cpu = time.perf_counter(), _cpu()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        return time.perf_counter() - start, _cpu() - cpu

    runs = [(run(product), run(start_up)) for _ in range(3)]
    return {
        what: max(statistics.median(p[i] for p, _ in runs) - statistics.median(s[i] for _, s in runs), 0.0)
        for i, what in enumerate(("seconds", "cpu"))
    }


def _scorecard_command(db: str) -> int:
    """``python -m kpicore scorecard`` less ``python -m kpicore --help`` (the issue's measure of its work)."""
    output = str(Path(db).with_suffix(".scorecard.csv"))
    return _command_work(
        [sys.executable, "-m", "kpicore", "--db", db, "scorecard", "--output", output],
        [sys.executable, "-m", "kpicore", "--help"],
    )


FLOOR_SCRIPT = f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import bench; bench._scorecard_floor(sys.argv[1])"


def _scorecard_command_floor(db: str) -> int:
    """The floor as a command too: Python started, ``_scorecard_floor`` run, less ``python -c pass``."""
    return _command_work([sys.executable, "-c", FLOOR_SCRIPT, db], [sys.executable, "-c", "pass"])


def _load(db: str) -> int:
    from kpicore import store

    return len(store.load(db).observations)


def _all_rows_floor(db: str) -> int:
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT measure_id, period, value, commentary FROM observation_versions").fetchall()
    for table in ("measures", "targets", "comparators", "areas"):
        connection.execute(f"SELECT * FROM {table}").fetchall()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return len(rows)


def _spc(db: str) -> int:
    from kpicore import store
    from kpicore.spc import analyse_many

    snapshot = store.load(db)
    polarity = snapshot.measures.set_index("measure_id")["polarity"].to_dict()
    return len(analyse_many(snapshot.observations[["measure_id", "period", "value"]], improvement=polarity))


def _import(db: str, file: str) -> int:
    from contextlib import redirect_stdout

    from kpicore.cli import main

    with open(os.devnull, "w") as quiet, redirect_stdout(quiet):
        code = main(["--db", db, "import", file, "--user", ADMIN])
    if code != 0:
        raise SystemExit(f"import exited {code}")
    return 1


def _import_floor(db: str, file: str) -> int:
    """The file's rows read by ``csv`` and inserted by one ``executemany`` into a table shaped like the
    figures' own (the same columns, the same index): moved, with no rules, validation or history."""
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE floor_rows AS SELECT * FROM observation_versions WHERE 0")
    connection.execute("CREATE INDEX floor_rows_by_month ON floor_rows (measure_id, period)")
    columns = [row[1] for row in connection.execute("PRAGMA table_info(floor_rows)")]
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with open(file, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)
        given = {"recorded_by": ADMIN, "recorded_at": stamp, "source": "import"}
        rows = [
            tuple({"measure_id": m, "period": p, "value": float(v), **given}.get(c) for c in columns)
            for m, p, v, *_ in reader
        ]
    with connection:
        connection.executemany(f"INSERT INTO floor_rows VALUES ({', '.join('?' * len(columns))})", rows)
    return len(rows)


def _init(db: str, folder: str) -> int:
    from kpicore import store

    store.initialise(db, Path(folder), force=True)
    return 1


def _init_floor(db: str, folder: str) -> int:
    connection = sqlite3.connect(db)
    count = 0
    with connection:
        for name in ("areas", "measures", "targets", "comparators", "observations"):
            with open(Path(folder) / f"{name}.csv", newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                connection.execute(f"CREATE TABLE floor_{name} ({', '.join(header)})")
                rows = list(reader)
                marks = ", ".join("?" * len(header))
                connection.executemany(f"INSERT INTO floor_{name} VALUES ({marks})", rows)
                count += len(rows)
    return count


def _page(db: str) -> int:
    """The scorecard page's script run in AppTest with warm caches (the first run fills them)."""
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ["KPI_DB"] = db
    os.environ["KPI_LOCAL_MODE"] = "1"  # as `make run`: without it the app shows only how to configure sign-in
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.switch_page("pages/scorecard.py")
    at.run()
    if at.exception or [t.value for t in at.title] != ["Scorecard"]:
        raise SystemExit(f"the Scorecard page did not run: {at.exception or [t.value for t in at.title]}")
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if [t.value for t in at.title] != ["Scorecard"]:
        raise SystemExit("the Scorecard page's warm run did not show the scorecard")
    return int(seconds * 1e6)


PAGES = ("overview", "scorecard", "explorer", "about", "submit", "upload", "returns", "history", "users", "locks",
         "catalogue")


def _pages(db: str) -> dict:
    """Every page's script run in AppTest with warm caches (the first run fills them), as the local
    administrator: seconds per page, medians of 3 warm runs."""
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ["KPI_DB"] = db
    os.environ["KPI_LOCAL_MODE"] = "1"
    seconds = {}
    for name in PAGES:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
        at.switch_page(f"pages/{name}.py")
        at.run()
        if at.exception:
            raise SystemExit(f"the {name} page failed: {at.exception}")
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - start)
        seconds[name] = statistics.median(runs)
    return seconds


def _sessions(db: str) -> dict:
    """The server's side of ten people opening the Scorecard at once: ten AppTest sessions (each its own
    session, one process, caches shared as in ``streamlit run``) running the page in threads at once
    on cold caches, against one session alone on cold caches (in a fresh process each, run first), and
    the same warm. Seconds from start to each session's script run finished."""
    import logging
    import threading

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ["KPI_DB"] = db
    os.environ["KPI_LOCAL_MODE"] = "1"

    def run_all(count: int) -> list[float]:
        tests = [AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600) for _ in range(count)]
        for at in tests:
            at.switch_page("pages/scorecard.py")
        times = [0.0] * count

        def one(n: int) -> None:
            start = time.perf_counter()
            tests[n].run()
            times[n] = time.perf_counter() - start

        threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if any(at.exception for at in tests):
            raise SystemExit("a session failed")
        return times

    cold_ten = run_all(10)
    warm_one, warm_ten = run_all(1), run_all(10)
    return {"cold_ten": statistics.median(cold_ten), "cold_ten_max": max(cold_ten),
            "warm_one": warm_one[0], "warm_ten": statistics.median(warm_ten), "warm_ten_max": max(warm_ten)}


def _session_alone(db: str) -> float:
    """One AppTest session opening the Scorecard on cold caches (the floor of ``sessions``)."""
    import logging

    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ["KPI_DB"] = db
    os.environ["KPI_LOCAL_MODE"] = "1"
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.switch_page("pages/scorecard.py")
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def _server(db: str):
    """``streamlit run`` on a free port against ``db``, in local mode; (process, url) once healthy."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "KPI_DB": db, "KPI_LOCAL_MODE": "1", "STREAMLIT_SERVER_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return process, url
        except OSError:
            process_wait(process, 0.2)
    process.kill()
    raise SystemExit("streamlit did not start")


def process_wait(process, seconds: float) -> None:
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass


async def _open_scorecard(browser, url: str, context=None) -> float:
    """Seconds from asking for the Scorecard page to its script run finished with the table drawn: in a new
    browser profile (nothing cached: Streamlit's scripts fetched and compiled afresh), or in ``context``."""
    own = context is None
    context = context or await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(f"{url}/scorecard")
    await page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", state="attached",
                                 timeout=600_000)
    await page.wait_for_selector("[data-testid=stDataFrame], [data-testid=stTable], table", timeout=600_000)
    seconds = time.perf_counter() - start
    await (context.close() if own else page.close())
    return seconds


def _server_cpu(process) -> float:
    """Processor seconds the server process has used so far (user + system, from /proc)."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _browser(db: str) -> dict:
    """The Scorecard page in headless Chromium: the first load on a new server (cold caches), one
    load alone once warm (in a new browser profile, and again in one whose cache is warm), and ten sessions opening it at once, with the server's processor time for
    the ten (the rest of the wait is the ten browsers drawing the page on the same CPUs); then ten
    sessions opening it at once on another new server (cold caches: the scorecard is worked out once
    for all ten); and the servers' peak memory."""
    import asyncio

    from playwright.async_api import async_playwright

    async def loads(url: str, process, cold: bool) -> dict:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            if cold:
                ten = await asyncio.gather(*[_open_scorecard(browser, url) for _ in range(10)])
                await browser.close()
                return {"cold_ten_median": statistics.median(ten), "cold_ten_max": max(ten)}
            first = await _open_scorecard(browser, url)
            alone = await _open_scorecard(browser, url)
            profile = await browser.new_context(viewport={"width": 1280, "height": 800})
            await _open_scorecard(browser, url, profile)  # the browser's cache filled
            revisit = await _open_scorecard(browser, url, profile)
            await profile.close()
            cpu = _server_cpu(process)
            ten = await asyncio.gather(*[_open_scorecard(browser, url) for _ in range(10)])
            server_cpu = _server_cpu(process) - cpu
            await browser.close()
        return {"first": first, "alone": alone, "revisit": revisit, "ten_median": statistics.median(ten), "ten_max": max(ten),
                "ten_server_cpu": server_cpu}

    result = {}
    for cold in (False, True):
        process, url = _server(db)
        try:
            result |= asyncio.run(loads(url, process, cold))
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024
            result["server_peak"] = max(result.get("server_peak", 0), peak)
        finally:
            process.terminate()
            process_wait(process, 10)
    return result


async def _stream_session(url: str, page: str = "scorecard") -> float:
    """Seconds from opening a session on the server's websocket to the page's script run finished: a
    client that speaks Streamlit's protocol (asks for ``page`` as a browser does on opening its URL,
    reads every message the run sends) and draws nothing."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    start = time.perf_counter()
    stream = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None) as socket:
        request = BackMsg()
        request.rerun_script.page_name = page
        await socket.send(request.SerializeToString())
        async for raw in socket:
            message = ForwardMsg()
            message.ParseFromString(raw)
            if message.WhichOneof("type") == "script_finished":
                return time.perf_counter() - start
    raise RuntimeError("the server closed the session before the page's run finished")


def _at_once(url: str, count: int) -> list[float]:
    import asyncio

    async def sessions() -> list[float]:
        return await asyncio.gather(*[_stream_session(url) for _ in range(count)])

    return asyncio.run(sessions())


def _stream(db: str) -> dict:
    """The server's side of ten people opening the Scorecard at once, seen from outside with no browser
    drawing anything (``_stream_session``): on a new server, ten at once on cold caches; then, warm,
    one alone (median of 3) and ten at once; with the server's processor time for the warm ten and
    its peak memory."""
    process, url = _server(db)
    try:
        cold = _at_once(url, 10)
        alone = statistics.median(_at_once(url, 1)[0] for _ in range(3))
        cpu = _server_cpu(process)
        warm = _at_once(url, 10)
        server_cpu = _server_cpu(process) - cpu
        status = Path(f"/proc/{process.pid}/status").read_text()
        peak = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024
    finally:
        process.terminate()
        process_wait(process, 10)
    return {"cold_ten_median": statistics.median(cold), "cold_ten_max": max(cold), "warm_one": alone,
            "warm_ten_median": statistics.median(warm), "warm_ten_max": max(warm), "warm_ten_server_cpu": server_cpu,
            "server_peak": peak}


def _stream_alone(db: str) -> float:
    """One session alone on a new server (cold caches), as ``_stream`` times it."""
    process, url = _server(db)
    try:
        return _at_once(url, 1)[0]
    finally:
        process.terminate()
        process_wait(process, 10)


def _startup() -> int:
    return subprocess.run([sys.executable, "-m", "kpicore", "--help"], capture_output=True, cwd=ROOT).returncode


def _startup_floor() -> int:
    return subprocess.run([sys.executable, "-c", "pass"], capture_output=True).returncode


CASES = {
    "startup": (_startup, _startup_floor),
    "scorecard": (_scorecard, _scorecard_floor),
    "command": (_scorecard_command, _scorecard_command_floor),
    "load": (_load, _all_rows_floor),
    "spc": (_spc, _all_rows_floor),
    "import": (_import, _import_floor),
    "return": (_import, _import_floor),
    "init": (_init, _init_floor),
    "page": (_page, _scorecard_floor),
    "browser": (_browser, _scorecard_floor),
    "pages": (_pages, _scorecard_floor),
    "sessions": (_sessions, _session_alone),
    "stream": (_stream, _stream_alone),
}


PRELOAD = (
    "kpicore.store", "kpicore.reports.scorecard", "kpicore.spc", "kpicore.cli", "kpicore.cli.data_entry",
    "kpicore.workflows.submission", "streamlit.testing.v1",
)
"""Imported before the clock starts: a case times the work, not Python's start-up (timed on its own by ``startup``)."""


def child(case: str, floor: bool, args: list[str]) -> None:
    import importlib

    function = CASES[case][1 if floor else 0]
    for module in () if (floor and case != "sessions") or case == "command" else PRELOAD:
        importlib.import_module(module)
    start, cpu = time.perf_counter(), _cpu()
    result = function(*args)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    extra = {}
    if case == "command":  # a command's work less its start-up
        seconds, cpu = result["seconds"], result["cpu"]
    if case == "page" and not floor:
        seconds, cpu = result / 1e6, None  # the warm run only
    if case == "browser" and not floor:
        extra, seconds, cpu = result, result["first"], None
    if case == "pages" and not floor:
        extra, seconds, cpu = result, max(result.values()), None
    if case in ("sessions", "stream"):
        extra, seconds, cpu = (result, result["cold_ten_max"], None) if not floor else ({}, result, None)
    print(json.dumps({"seconds": seconds, "cpu": cpu, "extra": extra}))


# ---------------------------------------------------------------- the parent: preparing and timing


def measure(case: str, args_for_run, repeat: int) -> dict:
    """Median seconds and peak memory of the product and of its floor, runs interleaved.

    ``args_for_run()`` gives the arguments of one run (a fresh copy of a database for cases that write).
    """
    product, floor = [], []
    for _ in range(repeat):
        for is_floor, results in ((True, floor), (False, product)):
            results.append(_isolated(case, is_floor, args_for_run()))
    seconds = statistics.median(t for t, _, _, _ in product)
    floor_seconds = statistics.median(t for t, _, _, _ in floor)
    cpus = [c for _, c, _, _ in product if c is not None]
    cpu = statistics.median(cpus) if cpus else None
    floor_cpus = [c for _, c, _, _ in floor if c is not None]
    floor_cpu = statistics.median(floor_cpus) if floor_cpus else None
    return {
        "case": case, "seconds": seconds, "floor": floor_seconds, "ratio": seconds / floor_seconds,
        "cpu": cpu, "floor_cpu": floor_cpu,
        "cpu_ratio": None if cpu is None or floor_cpu is None else cpu / max(floor_cpu, 1e-3),
        "peak": max(m for _, _, m, _ in product), "floor_peak": max(m for _, _, m, _ in floor), "extra": product[-1][3],
    }


def _isolated(case: str, floor: bool, args: list[str]) -> tuple[float, float | None, float, dict]:
    """One run in a grandchild, so RUSAGE_CHILDREN of its own parent is that run's peak alone."""
    command = [sys.executable, __file__, "--timed", case, *(["--floor"] if floor else []), "--", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise RuntimeError(f"{case}{' floor' if floor else ''} failed:\n{result.stderr[-3000:]}")
    return tuple(json.loads(result.stdout.strip().splitlines()[-1]))


def timed(case: str, floor: bool, args: list[str]) -> None:
    """Run ``case`` in a child and print its seconds, processor seconds and the child's peak memory (MiB)."""
    import resource

    command = [sys.executable, __file__, "--child", case, *(["--floor"] if floor else []), "--", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        sys.stderr.write(result.stderr)
        raise SystemExit(result.returncode)
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps([answer["seconds"], answer["cpu"], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, answer["extra"]]))


class Dataset:
    """A database made once from dataset tables, with its folder; ``copy()`` gives a fresh copy to write into."""

    def __init__(self, name: str, folder: Path, tables: dict):
        from kpicore import store
        from kpicore.files.dataset import write_dataset

        self.name, self.folder, self.copies = name, folder, 0
        self.data = folder / "data"
        self.data.mkdir(parents=True)
        write_dataset(tables, self.data)
        self.db = folder / "kpi.sqlite"
        store.initialise(self.db, self.data)

    def copy(self) -> str:
        from kpicore import store

        self.copies += 1
        target = self.folder / f"copy-{self.copies}.sqlite"
        store.backup(target, self.db)
        return str(target)


def return_file(tables: dict, month: str, path: Path) -> Path:
    """A month's return: every monthly measure's latest figure, given again for ``month``."""
    from kpicore.files.csv_writer import write_csv

    latest = tables["observations"].sort_values("period").groupby("measure_id").tail(1)
    monthly = set(tables["measures"].query("frequency == 'monthly'")["measure_id"])
    figures = latest[latest["measure_id"].isin(monthly)].assign(period=month)
    path.write_bytes(write_csv(figures[["measure_id", "period", "value"]]))
    return path


def shipped(folder: Path) -> list[tuple[Dataset, dict]]:
    from kpicore.files.dataset import DATA_DIR, read_dataset

    tables = read_dataset(DATA_DIR)
    dataset = Dataset("shipped data (84 measures)", folder / "shipped", tables)
    return [(dataset, {"return": return_file(tables, "2022-12", folder / "shipped-return.csv")})]


def region(folder: Path) -> list[tuple[Dataset, dict]]:
    """The region with its whole history (and a month's return into it); and the region with its
    recent months only, into which its history (about 200,000 figures) is imported."""
    from kpicore.files.csv_writer import write_csv
    from kpicore.files.demo import demo_dataset

    tables = demo_dataset(REGION["measures"], REGION["months"], REGION["seed"], REGION["end"])
    name = f"region ({REGION['measures']:,} measures x {REGION['months']} months)"
    whole = Dataset(name, folder / "region", tables)
    observations = tables["observations"]
    history = folder / "history.csv"
    history.write_bytes(write_csv(observations[observations["period"] < HISTORY_FROM][["measure_id", "period", "value"]]))
    recent = Dataset(
        f"region, months from {HISTORY_FROM} only", folder / "recent",
        {**tables, "observations": observations[observations["period"] >= HISTORY_FROM]},
    )
    short_tables = demo_dataset(REGION["measures"], 13, REGION["seed"], REGION["end"])
    short = Dataset(f"region, 13 months only ({REGION['measures']:,} measures)", folder / "short", short_tables)
    return [
        (whole, {"return": return_file(tables, RETURN_MONTH, folder / "region-return.csv")}),
        (short, {"return_only": return_file(short_tables, RETURN_MONTH, folder / "short-return.csv")}),
        (recent, {"import": history}),
    ]


GROWTH_SIZES = (100, 500, 1000, 2000)
GROWTH_CASES = ("load", "scorecard", "command", "spc", "page", "return")


def growth(folder: Path, repeat: int) -> str:
    """How each cost grows with the number of measures (120 months each): a markdown table of seconds."""
    from kpicore.files.demo import demo_dataset

    seconds: dict[str, dict[int, float]] = {case: {} for case in GROWTH_CASES}
    for size in GROWTH_SIZES:
        tables = demo_dataset(size, REGION["months"], REGION["seed"], REGION["end"])
        dataset = Dataset(f"{size} measures", folder / f"growth-{size}", tables)
        files = {"return": return_file(tables, RETURN_MONTH, folder / f"growth-{size}-return.csv")}
        for case, args_for_run in cases_for(dataset, files):
            if case in GROWTH_CASES:
                seconds[case][size] = measure(case, args_for_run, repeat)["seconds"]
                print(f"  growth: {case} at {size} measures done", file=sys.stderr)
    header = "| case | " + " | ".join(f"{n:,} measures" for n in GROWTH_SIZES) + " |"
    lines = [header, "|---|" + "---:|" * len(GROWTH_SIZES)]
    for case in GROWTH_CASES:
        lines.append(f"| {DESCRIPTIONS[case]} | " + " | ".join(f"{seconds[case][n]:.3f} s" for n in GROWTH_SIZES) + " |")
    return "\n".join(lines)


def cases_for(dataset: Dataset, files: dict) -> list[tuple[str, object]]:
    """Every read-only case on the database as it is; each writing case on a fresh copy per run."""
    read_only = lambda: [str(dataset.db)]  # noqa: E731
    if "import" in files:
        return [("import", lambda: [dataset.copy(), str(files["import"])])]
    if "return_only" in files:
        return [("return", lambda: [dataset.copy(), str(files["return_only"])])]
    return [
        ("startup", lambda: []),
        ("init", lambda: [str(dataset.folder / f"init-{time.monotonic_ns()}.sqlite"), str(dataset.data)]),
        ("load", read_only),
        ("scorecard", read_only),
        ("command", read_only),
        ("spc", read_only),
        ("page", read_only),
        ("browser", read_only),
        ("sessions", read_only),
        ("stream", read_only),
        *([("pages", read_only)] if "shipped" in dataset.name else []),
        ("return", lambda: [dataset.copy(), str(files["return"])]),
    ]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} CPUs ({cpu}), {memory} GiB, Python {platform.python_version()}, {platform.system()}"


DESCRIPTIONS = {
    "startup": "`python -m kpicore --help` (start-up; floor: `python -c pass`)",
    "init": "`init`: validate the dataset and write a new database",
    "load": "`store.load`: the snapshot every page reads",
    "scorecard": "scorecard assembly: load, rules, SPC, CSV (the `scorecard` command's work)",
    "command": "`python -m kpicore scorecard` less `python -m kpicore --help` (floor: its script less `python -c pass`)",
    "spc": "batch SPC over every measure (load included)",
    "page": "the Scorecard page's script run, warm caches (AppTest)",
    "browser": "the Scorecard page's first load on a new server, in headless Chromium",
    "import": "import the history file (parse, validate, write with history)",
    "return": "import a month's return",
    "sessions": "ten Scorecard sessions at once on cold caches, the slowest (AppTest; floor: one session alone, cold)",
    "pages": "the slowest page's script run, warm caches (AppTest; every page below)",
    "stream": "ten Scorecard sessions at once on a new server (cold caches), the slowest, at the server's websocket "
              "(floor: one session alone on a new server)",
}


def report(results: list[dict], markdown: Path | None) -> None:
    lines = [
        f"Machine: {machine()}. Medians of wall-clock seconds; the CPU ratio compares processor seconds (user + "
        "system), which another process on a shared machine disturbs less; peak = the process's maximum resident memory.",
        "",
        "| data | case | product | floor | ratio | CPU ratio | peak (product / floor) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['data']} | {DESCRIPTIONS[r['case']]} | {r['seconds']:.3f} s | {r['floor']:.3f} s | "
            f"{r['ratio']:.1f}x | {'–' if r['cpu_ratio'] is None else format(r['cpu_ratio'], '.1f') + 'x'} | "
            f"{r['peak']:.0f} / {r['floor_peak']:.0f} MiB |"
        )
    for r in results:
        if r["case"] == "browser":
            e = r["extra"]
            lines.append(
                f"\n{r['data']}, Scorecard page in Chromium: first load {e['first']:.1f} s; warm, alone "
                f"{e['alone']:.1f} s in a new browser profile, {e['revisit']:.1f} s again in the same browser (its cache "
                f"warm, as a person's second visit); ten sessions at once {e['ten_median']:.1f} s each (median), slowest "
                f"{e['ten_max']:.1f} s = {e['ten_max'] / e['alone']:.1f}x one alone (the server's processor time for all ten: "
                f"{e['ten_server_cpu']:.1f} s); ten at once on a new server (cold) {e['cold_ten_median']:.1f} s each (median), "
                f"slowest {e['cold_ten_max']:.1f} s = {e['cold_ten_max'] / e['first']:.1f}x the first load alone; "
                f"server peak {e['server_peak']:.0f} MiB."
            )
        if r["case"] == "sessions":
            e = r["extra"]
            lines.append(
                f"\n{r['data']}, the server's side of ten sessions (AppTest, one process): ten at once on cold caches "
                f"{e['cold_ten']:.2f} s each (median), slowest {e['cold_ten_max']:.2f} s = "
                f"{e['cold_ten_max'] / r['floor']:.1f}x one session alone on cold caches ({r['floor']:.2f} s); warm, "
                f"one alone {e['warm_one']:.3f} s, ten at once {e['warm_ten']:.3f} s each (median), slowest "
                f"{e['warm_ten_max']:.3f} s."
            )
        if r["case"] == "stream":
            e = r["extra"]
            lines.append(
                f"\n{r['data']}, the Scorecard at the server's websocket (`streamlit run`, clients that draw nothing): "
                f"ten at once on a new server {e['cold_ten_median']:.2f} s each (median), slowest "
                f"{e['cold_ten_max']:.2f} s = {e['cold_ten_max'] / r['floor']:.1f}x one alone on a new server "
                f"({r['floor']:.2f} s); warm, one alone {e['warm_one']:.3f} s, ten at once {e['warm_ten_median']:.3f} s "
                f"each (median), slowest {e['warm_ten_max']:.3f} s = {e['warm_ten_max'] / e['warm_one']:.1f}x one alone "
                f"(the server's processor time for the ten: {e['warm_ten_server_cpu']:.2f} s); server peak "
                f"{e['server_peak']:.0f} MiB."
            )
        if r["case"] == "pages":
            lines.append(f"\n{r['data']}, every page's warm script run (AppTest): " + ", ".join(
                f"{name} {seconds:.2f} s" for name, seconds in r["extra"].items()) + ".")
    returns = {r["data"]: (r["seconds"], r["cpu"]) for r in results if r["case"] == "return"}
    if len(returns) == 3:
        _, (long_name, (long, long_cpu)), (short_name, (short, short_cpu)) = returns.items()
        lines.append(f"\nA month's return: {long:.3f} s into {long_name} against {short:.3f} s into {short_name} = "
                     f"{long / short:.2f}x ({long_cpu / short_cpu:.2f}x in processor time; its cost does not grow "
                     "with the history when this stays near 1).")
    text = "\n".join(lines)
    print(text)
    if markdown:
        markdown.write_text(
            "# Benchmarks\n\nWritten by `make bench` (`bench/bench.py`); see its docstring for what each "
            "floor is.\n\n" + text + "\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="the shipped data only")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--growth", action="store_true", help="only: how each cost grows from 100 to 2,000 measures")
    parser.add_argument("--cases", help="only these cases, comma-separated (e.g. scorecard,command,return)")
    parser.add_argument("--child")
    parser.add_argument("--timed")
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("rest", nargs="*")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.floor, args.rest)
    if args.timed:
        return timed(args.timed, args.floor, args.rest)
    results = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        if args.growth:
            return print(f"Machine: {machine()}. Medians of {args.repeat}; 120 months each.\n\n" + growth(folder, args.repeat))
        data = shipped(folder) + ([] if args.quick else region(folder))
        for dataset, files in data:
            for case, args_for_run in cases_for(dataset, files):
                if args.cases and case not in args.cases.split(","):
                    continue
                started = time.perf_counter()
                result = measure(case, args_for_run, 1 if case == "browser" else args.repeat)
                results.append({"data": dataset.name, **result})
                print(f"  {dataset.name}: {case} done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    report(results, args.markdown)


if __name__ == "__main__":
    main()
