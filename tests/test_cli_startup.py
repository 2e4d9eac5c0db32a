"""The command line starts fast: ``--help``, a command's ``--help`` and an argument error import nothing heavy.

Each case runs in a fresh interpreter (``sys.modules`` of this one already holds everything) and
reports the exit code and which heavy libraries were imported by then."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "pandera", "sqlite_utils", "altair", "openpyxl", "streamlit")
PROBE = f"""
import json, sys
from kpicore.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
print(json.dumps({{"code": code, "heavy": [name for name in {HEAVY!r} if name in sys.modules]}}), file=sys.stderr)
"""


def _run(*argv: str) -> tuple[dict, str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    *told, last = result.stderr.strip().splitlines()
    return json.loads(last), result.stdout + "\n".join(told)


@pytest.mark.parametrize("argv", [["--help"], ["import", "--help"], ["measures", "add", "--help"], ["demo", "--help"]])
def test_help_imports_nothing_heavy(argv):
    outcome, text = _run(*argv)
    assert outcome == {"code": 0, "heavy": []}
    assert "usage: python -m kpicore" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import"], "the following arguments are required: file"),
        (["lock", "2022-11"], "the following arguments are required: --reason"),
        (["lock", "Smarch-22", "--reason", "x"], "'Smarch-22' is not a month"),
        (["scorecard", "--months", "0"], "'0' is not a number of months from 1 to 120"),
        (["nonsense"], "invalid choice: 'nonsense'"),
    ],
)
def test_an_argument_error_exits_2_with_argparses_message_and_imports_nothing_heavy(argv, message):
    outcome, text = _run(*argv)
    assert outcome == {"code": 2, "heavy": []}
    assert message in text


def test_a_command_that_runs_imports_what_it_needs(tmp_path):
    """The lazy imports are made when the command runs: ``locks`` reads the database with sqlite-utils."""
    outcome, text = _run("--db", str(tmp_path / "none.sqlite"), "locks")
    assert outcome["code"] == 1 and "sqlite_utils" in outcome["heavy"]
    assert "init" in text  # a missing database is explained (it says to run init)


def test_the_scorecard_reads_without_importing_what_writing_needs(shipped_db, tmp_path):
    """Reading a snapshot does not import pandera's models, openpyxl or xlsxwriter (``kpicore.store``
    imports each name on first use): the scorecard command's work is the scorecard's, not start-up."""
    output = tmp_path / "scorecard.csv"
    probe = PROBE.replace(repr(HEAVY), repr(("pandas", "pandera", "openpyxl", "xlsxwriter")))
    result = subprocess.run(
        [sys.executable, "-c", probe, "--db", str(shipped_db), "scorecard", "--output", str(output)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert json.loads(result.stderr.strip().splitlines()[-1]) == {"code": 0, "heavy": ["pandas"]}
    assert output.read_text(encoding="utf-8").startswith("area,measure_id,measure,")
