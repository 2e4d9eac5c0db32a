"""History: every version of a figure, with who, when, source, reason and old → new."""

import io
from datetime import date

import pandas as pd
import pandas.testing as pdt

from kpicore import store
from kpicore.cli import main
from kpicore.workflows import submission
from tests.entry import ADMIN, OWNER, writable_db
from tests.files.make_files import OWNED

TODAY = date(2026, 11, 28)


def submit(db, text: str, user: str, reason: str | None = None, source: str = "upload"):
    plan = submission.plan_file(db, "x.csv", text.encode(), user=user, source=source, today=TODAY)
    assert plan.ok, plan.problems
    return submission.commit(db, plan, user=user, reason=reason)


def test_every_version_is_kept_with_who_when_source_and_reason(tmp_path):
    db = writable_db(tmp_path)
    header = "measure_id,period,value,commentary\n"
    submit(db, header + f"{OWNED[0]},2022-12,78.1,Vacancies\n", OWNER)
    submit(db, header + f"{OWNED[0]},2022-12,79.3,\n", OWNER, reason="Late returns", source="cli")
    submit(db, header + f"{OWNED[0]},2022-12,79.3,Vacancies filled in December\n", ADMIN, reason="Better commentary")
    versions = store.history(db, measure_id=OWNED[0], period="2022-12")
    assert versions["change"].tolist() == ["revised", "revised", "new"]
    assert versions["old_value"].fillna(-1).tolist() == [79.3, 78.1, -1]
    assert versions["value"].tolist() == [79.3, 79.3, 78.1]
    assert versions["commentary"].tolist() == ["Vacancies filled in December", "Vacancies", "Vacancies"]
    assert versions["recorded_by"].tolist() == [ADMIN, OWNER, OWNER]
    assert versions["source"].tolist() == ["upload", "cli", "upload"]
    assert versions["reason"].fillna("").tolist() == ["Better commentary", "Late returns", ""]
    assert versions["recorded_at"].str.match(r"^\d{4}-\d\d-\d\dT").all()
    assert store.load(db).observations.set_index(["measure_id", "period"]).loc[(OWNED[0], "2022-12"), "value"] == 79.3


def test_history_of_one_measure_covers_every_month(shipped_db):
    versions = store.history(shipped_db, measure_id=OWNED[0])
    assert len(versions) == 13 and set(versions["change"]) == {"new"}
    assert versions["source"].eq("init").all()
    assert list(versions.columns[:6]) == ["version_id", "measure_id", "measure", "period", "change", "old_value"]


def test_history_filters_by_month_and_the_cli_writes_it(shipped_db, capsys):
    versions = store.history(shipped_db, period="2022-11")
    assert len(versions) == len(store.load(shipped_db).observations.query("period == '2022-11'"))
    assert main(["--db", str(shipped_db), "history", "--measure", OWNED[0]]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    pdt.assert_series_equal(frame["value"], store.history(shipped_db, measure_id=OWNED[0])["value"])
