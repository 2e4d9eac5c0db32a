"""Returns: which measures still lack a month's figure, by owner and thematic area."""

import io

import pandas as pd

from kpicore import store
from kpicore.cli import main
from kpicore.reports import returns
from kpicore.workflows import submission
from tests.entry import OTHER, OWNER, writable_db
from tests.files.make_files import NOT_OWNED, OWNED


def test_missing_returns_carry_their_owners(tmp_path):
    db = writable_db(tmp_path)
    table = returns.outstanding(store.load(db), store.owners(db), "2022-12")
    assert len(table) == 84, "every measure is due in a quarter-end month"
    owners = table.set_index("measure_id")["owner"]
    assert owners[OWNED[0]] == OWNER and owners[NOT_OWNED] == OTHER and owners["initial-visits-that-were-within-2-w-days"] == "(no owner)"
    assert table["owner"].tolist()[:2] == ["(no owner)", "(no owner)"] and table["owner"].iloc[-1] == OWNER
    summary = returns.by_owner_and_area(table)
    assert summary["missing"].sum() == 84
    assert summary.query("owner == @OWNER")["missing"].sum() == 3


def test_a_submitted_figure_leaves_the_returns(tmp_path):
    db = writable_db(tmp_path)
    plan = submission.plan_file(db, "x.csv", b"measure_id,period,value\n" + f"{OWNED[0]},2022-12,80\n".encode(), user=OWNER)
    submission.commit(db, plan, user=OWNER)
    snapshot = store.load(db)
    table = returns.outstanding(snapshot, store.owners(db), "2022-12")
    assert OWNED[0] not in set(table["measure_id"]) and len(table) == 83
    assert returns.due_count(snapshot, "2022-12") == {"due": 84, "received": 1, "missing": 83}


def test_quarterly_measures_are_not_due_between_quarters(snapshot):
    table = returns.outstanding(snapshot, pd.DataFrame(columns=["measure_id", "email", "name"]), "2023-01")
    assert len(table) == 82 and OWNED[2] not in set(table["measure_id"])


def test_cli_returns_for_the_next_month(shipped_db, capsys):
    assert main(["--db", str(shipped_db), "returns"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(frame) == 84 and set(frame["period"]) == {"2022-12"}
    assert list(frame.columns) == ["owner", "area", "measure_id", "measure", "frequency", "last_period", "period"]
