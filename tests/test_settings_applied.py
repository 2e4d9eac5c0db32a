"""The limits and settings are the ones every way in applies: the stored range of months on every save
and on the catalogue's entries, and the command line's own file limits."""

import sqlite3
from datetime import date

import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.problems import ValidationFailed
from kpicore.workflows import submission
from tests.entry import ADMIN, dump, writable_db

TODAY = date(2026, 11, 28)
MEASURE = "initial-contact-decisions-made-within"
DECEMBER = b"measure_id,period,value\ninitial-contact-decisions-made-within,2022-12,80\n"


@pytest.fixture
def db(tmp_path):
    return writable_db(tmp_path)


def upload(db, data, user=ADMIN, name="figures.csv"):
    return submission.plan_file(db, name, data, user=user, today=TODAY)


def test_the_stored_range_of_months_is_the_one_every_save_checks(db):
    """A council that keeps figures from 2022 only: the plan and the write both use the stored setting."""
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE settings SET value = 2022 WHERE key = 'first_year'")
    early = b"measure_id,period,value\ninitial-contact-decisions-made-within,2021-12,80\n"
    refused = upload(db, early, user=ADMIN)
    assert [(p.row, p.column) for p in refused.problems] == [(2, "period")]
    assert "outside the months accepted (2022-01 to 2099-12)" in refused.problems[0].message
    before = dump(db)
    figures = pd.DataFrame({"measure_id": [MEASURE], "period": ["2021-12"], "value": [80.0]})
    with pytest.raises(ValidationFailed, match="2022-01 to 2099-12"):
        store.record_figures(db, figures, user=ADMIN, source="cli", reason="history", today=TODAY)
    assert dump(db) == before


def test_the_command_line_reads_files_within_its_own_limits(db, tmp_path, monkeypatch):
    """The command line may load a whole history at once: its imports read within COMMAND_LINE_LIMITS."""
    from kpicore.files.upload.limits import COMMAND_LINE_LIMITS
    from kpicore.workflows import catalogue as year_end

    given = []
    for module, name in ((submission, "plan_file"), (year_end, "plan_targets_file")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, **k: given.append(k.get("limits")) or _real(*a, **k))
    path = tmp_path / "december.csv"
    path.write_bytes(DECEMBER)
    assert main(["--db", str(db), "import", str(path), "--user", ADMIN, "--dry-run"]) == 0
    assert main(["--db", str(db), "targets", "import", str(path), "--reason", "x", "--dry-run"]) == 1
    assert given == [COMMAND_LINE_LIMITS, COMMAND_LINE_LIMITS]


@pytest.mark.parametrize("kind", ["targets", "comparators"])
def test_a_catalogue_entry_from_a_month_outside_the_range_is_refused(db, kind):
    """The app's forms reach the store directly: the store refuses 1999-04 itself, naming row and column."""
    from kpicore.store import catalogue

    row = {"measure_id": MEASURE, "from_period": "1999-04"}
    if kind == "targets":
        frame, change = pd.DataFrame([{**row, "target": 90.0, "tolerance": 85.5}]), catalogue.set_targets
    else:
        frame, change = pd.DataFrame([{**row, "value": 80.0, "label": "England"}]), catalogue.set_comparators
    before = dump(db)
    with pytest.raises(ValidationFailed) as refused:
        change(db, frame, user=ADMIN, reason="Year end")
    assert [(p.row, p.column, p.value) for p in refused.value.problems] == [(2, "from_period", "1999-04")]
    assert "outside the months accepted (2000-01 to 2099-12)" in refused.value.problems[0].message
    assert dump(db) == before
