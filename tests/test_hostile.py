"""The hostile corpus (``tests/files/hostile/``): every file through the core and through the command line.

Each file's expected outcome is in ``tests/files/hostile/expected.csv``: accepted or refused, a fragment
of the message (alternatives separated by ``|``: the command line may read within its own, larger
limits), the exit code, and a bound on wall time (seconds) and peak memory (MB) for the command line.
Small files are committed; big ones are made by ``make.generate`` at test time into pytest's temporary
folder. The slow and huge ones are marked ``soak`` (``make soak``).

Through the core: ``submission.plan_file`` on a writable copy of the shipped database, which must stay
exactly as it was. Through the command line: ``python -m kpicore --db TMP import FILE``, a child process;
a refused file leaves the database as it was, an accepted one stores each hostile commentary literally
(``make.LITERAL``), and nothing prints a traceback.

The child's peak memory is its own ``VmHWM`` (``/proc/self/status``), written as it exits by the module
run as ``-m kpicore`` would be (``runpy``): Linux carries the parent's high-water mark into a child's
``ru_maxrss`` across ``exec``, so ``os.wait4`` would report pytest's own memory.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kpicore import store
from kpicore.files import upload
from kpicore.workflows import submission
from tests.entry import ADMIN, dump, writable_db
from tests.files.hostile import make

HOSTILE = Path(__file__).resolve().parent / "files" / "hostile"
ROOT = Path(__file__).resolve().parent.parent
EXPECTED = list(csv.DictReader((HOSTILE / "expected.csv").open(encoding="utf-8")))
CORE_SECONDS = 60


def _cases() -> list:
    return [
        pytest.param(case, id=case["file"], marks=[pytest.mark.soak] if case["soak"] == "yes" else [])
        for case in EXPECTED
    ]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A big file of the corpus by name, made once per run into pytest's temporary folder."""
    folder = tmp_path_factory.mktemp("hostile")
    made: dict[str, Path] = {}

    def path(name: str) -> Path:
        if name not in made:
            made.update(make.generate(folder, [name]))
        return made[name]

    return path


def _path(case: dict, big) -> Path:
    return HOSTILE / case["file"] if case["made"] == "committed" else big(case["file"])


def _matches(fragments: str, text: str) -> bool:
    return any(fragment in text for fragment in fragments.split("|"))


def _on_the_command_line(case: dict) -> tuple[str, str, int]:
    """The outcome, message fragment and exit code of ``python -m kpicore import``: the page's, unless the
    manifest's ``command_line`` says otherwise (``accepted: FRAGMENT``: within the command line's larger
    limits, ``COMMAND_LINE_LIMITS``, a file the Upload page refuses is loaded)."""
    if not case["command_line"]:
        return case["outcome"], case["fragment"], int(case["exit_code"])
    outcome, fragment = case["command_line"].split(": ", 1)
    return outcome, fragment, 0 if outcome == "accepted" else 1


def test_the_manifest_names_every_file_once_and_only_files_it_can_make():
    names = [case["file"] for case in EXPECTED]
    assert len(names) >= 40 and len(set(names)) == len(names)
    committed = {case["file"] for case in EXPECTED if case["made"] == "committed"}
    generated = {case["file"] for case in EXPECTED if case["made"] == "generated"}
    assert committed == set(make.SMALL) == {p.name for p in HOSTILE.iterdir() if p.suffix in (".csv", ".xlsx")} - {
        "expected.csv"
    }
    assert generated == set(make.BIG)
    assert {case["outcome"] for case in EXPECTED} == {"accepted", "refused"}
    assert all((case["outcome"] == "accepted") == (case["exit_code"] == "0") for case in EXPECTED)


def test_the_committed_files_are_what_make_py_makes():
    for name, build in make.SMALL.items():
        assert (HOSTILE / name).read_bytes() == build(), f"{name}: run python tests/files/hostile/make.py"


@pytest.mark.parametrize("case", _cases())
def test_through_the_core(case, big, tmp_path):
    data = _path(case, big).read_bytes()
    db = writable_db(tmp_path)
    before = dump(db)
    started = time.perf_counter()
    plan = submission.plan_file(db, case["file"], data, user=ADMIN, source="cli")
    seconds = time.perf_counter() - started
    said = "\n".join([*map(str, plan.problems), *plan.notes, plan.summary() if plan.ok else ""])
    assert ("accepted" if plan.ok else "refused") == case["outcome"], said
    assert _matches(case["fragment"], said), said
    assert len(plan.problems) <= upload.UPLOAD_LIMITS.max_problems + 1
    assert all(len(str(problem)) < 600 for problem in plan.problems)
    assert seconds < CORE_SECONDS
    assert dump(db) == before


@pytest.mark.parametrize("case", _cases())
def test_through_the_command_line(case, big, tmp_path):
    path = _path(case, big)
    db = writable_db(tmp_path)
    before = dump(db)
    command = [sys.executable, "-c", _PEAK_RECORDED.format(status=str(tmp_path / "status.txt")), "--db", str(db),
               "import", str(path), "--user", ADMIN, "--reason", "hostile corpus"]
    exit_code, seconds, peak_mb, said = _run(command, tmp_path, float(case["max_seconds"]) * 3)
    _record(case, seconds, peak_mb, said)
    outcome, fragment, expected_exit = _on_the_command_line(case)
    assert exit_code == expected_exit, said
    assert "Traceback" not in said and _matches(fragment, said), said
    assert seconds < float(case["max_seconds"]), f"{seconds:.1f} s"
    assert peak_mb < float(case["max_mb"]), f"{peak_mb:.0f} MB"
    if outcome == "refused":
        assert dump(db) == before
    elif case["file"] in make.LITERAL:
        stored = store.load(db).observations
        stored = stored[stored["period"] == make.MONTH].set_index("measure_id")["commentary"]
        expected = make.LITERAL[case["file"]]
        found = [stored.get(measure) for measure in (make.A, make.B, make.C)[:len(expected)]]
        assert [None if text != text else text for text in found] == expected


_PEAK_RECORDED = (
    "import atexit, runpy, shutil, sys; "
    "atexit.register(shutil.copyfile, '/proc/self/status', {status!r}); "
    "sys.argv[0] = 'kpicore'; runpy.run_module('kpicore', run_name='__main__', alter_sys=True)"
)
"""``python -m kpicore ARGS``, copying the process's own ``/proc/self/status`` (``VmHWM``) as it exits."""


def _run(command: list[str], folder: Path, kill_after: float) -> tuple[int, float, float, str]:
    """``command``'s exit code, wall time (s), peak resident memory (MB, the child's own ``VmHWM``) and what
    it printed; killed after ``kill_after`` seconds."""
    with (folder / "out.txt").open("wb") as out, (folder / "err.txt").open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        watchdog = threading.Timer(kill_after, child.kill)
        watchdog.start()
        try:
            _, status, _ = os.wait4(child.pid, 0)
        finally:
            watchdog.cancel()
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    said = b"".join((folder / name).read_bytes() for name in ("out.txt", "err.txt")).decode("utf-8", "replace")
    status_lines = (folder / "status.txt").read_text().splitlines()
    peak_kb = next(int(line.split()[1]) for line in status_lines if line.startswith("VmHWM:"))
    return child.returncode, seconds, peak_kb / 1024, said


def _record(case: dict, seconds: float, peak_mb: float, said: str) -> None:
    """With ``HOSTILE_REPORT`` set, a JSON line per file (outcome, time, peak memory) for the corpus table."""
    if report := os.environ.get("HOSTILE_REPORT"):
        with open(report, "a", encoding="utf-8") as out:
            outcome = _on_the_command_line(case)[0]
            out.write(json.dumps({"file": case["file"], "outcome": outcome, "seconds": round(seconds, 1),
                                  "peak_mb": round(peak_mb), "said": said.strip().splitlines()[-1][:120]}) + "\n")
