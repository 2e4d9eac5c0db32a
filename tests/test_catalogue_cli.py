"""``python -m kpicore measures | targets | comparators | catalogue``: the catalogue from the command line."""

import io
from pathlib import Path

import pandas as pd
import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.figure_checks import current_month
from kpicore.files.csv_writer import write_csv
from kpicore.reports.catalogue import catalogue
from tests.entry import OWNER, VIEWER, dump, writable_db
from tests.files.catalogue import make_files as files

FOLDER = Path(__file__).resolve().parent / "files" / "catalogue"


@pytest.fixture
def db(tmp_path) -> Path:
    return writable_db(tmp_path)


@pytest.fixture
def cli(capsys):
    """Run one command in this process: ``(exit code, standard output, standard error)``."""

    def run(db: Path, *args: str) -> tuple[int, str, str]:
        code = main(["--db", str(db), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def csv_of(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


NEW_MEASURE = [
    "measures", "add", "--id", "caseload", "--area", "response-to-risk", "--name", "Average caseload",
    "--unit", "count", "--polarity", "neutral", "--frequency", "monthly", "--reason", "New measure",
]
WRITES = {
    "measures add": NEW_MEASURE,
    "measures edit": ["measures", "edit", files.HIGHER, "--name", "Renamed", "--reason", "Proof-read"],
    "measures retire": ["measures", "retire", files.HIGHER, "--from", "2023-04", "--reason", "Dropped"],
    "measures reinstate": ["measures", "reinstate", files.HIGHER, "--reason", "Back"],
    "targets set": ["targets", "set", files.HIGHER, "--from", "2023-04", "--target", "92", "--reason", "Year end"],
    "targets end": ["targets", "end", files.HIGHER, "--from", "2023-04", "--reason", "Year end"],
    "targets import": ["targets", "import", str(FOLDER / "targets-valid.csv"), "--reason", "Year end"],
    "targets import --dry-run": ["targets", "import", str(FOLDER / "targets-valid.csv"), "--dry-run"],
    "comparators set": ["comparators", "set", files.HIGHER, "--from", "2023-04", "--value", "80", "--reason", "New"],
    "comparators import": ["comparators", "import", str(FOLDER / "comparators-valid.csv"), "--reason", "New"],
}


@pytest.mark.parametrize("user", [VIEWER, OWNER])
@pytest.mark.parametrize("command", list(WRITES))
def test_only_an_administrator_may_change_the_catalogue(db, cli, command, user):
    before = dump(db)
    code, out, err = cli(db, *WRITES[command], "--user", user)
    assert code == 3, (out, err)
    assert "Not allowed" in err and "only an administrator may" in err
    assert dump(db) == before


def test_every_write_command_works_for_the_administrator(db, cli):
    for command, args in WRITES.items():
        code, out, err = cli(db, *args)
        assert code == 0, (command, out, err)


# --- Year-end -----------------------------------------------------------------------------------


def test_year_end_template_edit_dry_run_import(db, cli, tmp_path):
    template = tmp_path / "targets-2023-24.csv"
    assert cli(db, "targets", "template", "--period", "Apr-23", "--output", str(template))[0] == 0
    lines = template.read_bytes().decode("utf-8-sig").splitlines()
    frame = csv_of("\n".join(lines[1:]))
    has = frame["target"] != ""
    frame.loc[has, "target"] = (frame.loc[has, "target"].astype(float) + 1).map("{:g}".format)
    numeric = has & (frame["tolerance"] != "none")
    frame.loc[numeric, "tolerance"] = (frame.loc[numeric, "tolerance"].astype(float) + 1).map("{:g}".format)
    template.write_text("\n".join([lines[0], frame.to_csv(index=False)]), encoding="utf-8")
    before = dump(db)

    code, out, err = cli(db, "targets", "import", str(template), "--dry-run")
    assert code == 0, err
    assert "targets-2023-24.csv: 0 new, 81 changed, 3 unchanged targets." in out
    assert f"changed  {files.HIGHER} from 2023-04: target 90 -> 91, tolerance 85.5 -> 86.5" in out
    assert out.rstrip().endswith("Dry run: nothing was written.") and dump(db) == before

    code, out, err = cli(db, "targets", "import", str(template), "--reason", "Targets for 2023-24")
    assert code == 0, err
    assert "Written: 0 new, 81 changed (3 unchanged)." in out
    snapshot = store.load(db)
    april, march = catalogue(snapshot, "2023-04"), catalogue(snapshot, "2023-03")
    assert april["target"].equals(march["target"] + 1) and april["tolerance"].equals(march["tolerance"] + 1)
    code, out, _ = cli(db, "targets", "import", str(template), "--dry-run")
    assert "0 new, 0 changed, 84 unchanged" in out


def test_a_file_with_problems_is_refused_by_row_and_column_and_writes_nothing(db, cli):
    before = dump(db)
    code, out, err = cli(db, "targets", "import", str(FOLDER / "targets-problems.csv"), "--reason", "Year end")
    assert code == 1 and out == ""
    assert "Refused: 6 problem(s), nothing was written." in err
    for line in (
        "targets-problems.csv row 2, column tolerance: '95' the tolerance must lie on the worse side",
        "targets-problems.csv row 3, column measure_id: 'no-such-measure' is not a measure",
        "targets-problems.csv row 4, column from_period: 'Smarch-23' is not a month",
        "targets-problems.csv row 5, column target: 'ninety' must be a number",
    ):
        assert line in err
    code, _, err = cli(db, "comparators", "import", str(FOLDER / "comparators-problems.csv"), "--reason", "x")
    assert code == 1 and "comparators-problems.csv row 3, column value: 'twenty' must be a number" in err
    assert dump(db) == before


def test_import_needs_a_reason_unless_dry_run_and_an_existing_file(db, cli, tmp_path):
    before = dump(db)
    code, out, err = cli(db, "targets", "import", str(FOLDER / "targets-valid.csv"))
    assert code == 1 and "1 new, 3 changed, 2 unchanged" in out and "a reason is required to set targets" in err
    code, _, err = cli(db, "targets", "import", str(tmp_path / "missing.csv"), "--reason", "x")
    assert code == 1 and "no file at" in err
    assert dump(db) == before


def test_comparators_import_and_list(db, cli):
    code, out, err = cli(db, "comparators", "import", str(FOLDER / "comparators-valid.csv"), "--reason", "England 2022-23")
    assert code == 0, err
    assert "1 new, 2 changed, 2 unchanged comparators" in out
    assert f"changed  {files.WITH_COMPARATOR} from 2023-04: 82.1, Average 2021/22 -> 83.5, England 2022-23" in out
    listed = csv_of(cli(db, "comparators", "list", "--measure", files.WITH_COMPARATOR)[1])
    assert listed.values.tolist() == [
        [files.WITH_COMPARATOR, "2021-11", "82.1", "Average 2021/22"],
        [files.WITH_COMPARATOR, "2023-04", "83.5", "England 2022-23"],
    ]


def test_templates_to_standard_output_and_as_excel(db, cli, tmp_path):
    code, out, _ = cli(db, "comparators", "template", "--period", "2023-04")
    assert code == 0 and "value: in the measure's unit" in out.splitlines()[0]
    assert out.splitlines()[1] == "measure_id,measure,unit,from_period,value,label"
    output = tmp_path / "targets.xlsx"
    assert cli(db, "targets", "template", "--format", "xlsx", "--output", str(output))[0] == 0
    assert output.read_bytes()[:2] == b"PK"
    code, out, _ = cli(db, "targets", "import", str(output), "--dry-run")
    assert code == 0 and "0 new, 0 changed, 84 unchanged" in out


# --- One target, one comparator ----------------------------------------------------------------


def test_targets_set_proposes_a_tolerance_on_the_worse_side(db, cli):
    code, out, _ = cli(db, "targets", "set", files.HIGHER, "--from", "2023-04", "--target", "90", "--reason", "Year end")
    assert code == 0 and out.strip().endswith("90, tolerance 85.5 (proposed)")
    code, out, _ = cli(db, "targets", "set", files.LOWER, "--from", "2023-04", "--target", "21.5", "--reason", "Year end")
    assert code == 0 and out.strip().endswith("21.5, tolerance 22.6 (proposed)")
    code, out, _ = cli(db, "targets", "set", files.COUNT, "--from", "2023-04", "--target", "50", "--no-tolerance",
                       "--reason", "Year end")
    assert code == 0 and out.strip().endswith("50, tolerance none")
    april = catalogue(store.load(db), "2023-04").set_index("measure_id")
    assert april.loc[files.HIGHER, "tolerance"] == 85.5 and april.loc[files.LOWER, "tolerance"] == 22.6
    assert april.loc[files.COUNT, "target"] == 50 and pd.isna(april.loc[files.COUNT, "tolerance"])


def test_targets_set_refuses_to_propose_for_a_neutral_measure_and_says_why(db, cli):
    assert cli(db, *NEW_MEASURE)[0] == 0
    before = dump(db)
    code, _, err = cli(db, "targets", "set", "caseload", "--from", "2023-04", "--target", "18", "--reason", "Year end")
    assert code == 1
    assert (
        "targets set, option --tolerance: a neutral measure has no worse side, so no tolerance is proposed: "
        "give one, or none (--tolerance X, or --no-tolerance)"
    ) in err
    assert dump(db) == before
    code, out, _ = cli(db, "targets", "set", "caseload", "--from", "2023-04", "--target", "18", "--no-tolerance",
                       "--reason", "Year end")
    assert code == 0 and out.strip().endswith("18, tolerance none")


def test_targets_set_refusals_are_told_by_option(db, cli):
    before = dump(db)
    code, _, err = cli(db, "targets", "set", files.HIGHER, "--from", "2023-04", "--target", "90", "--tolerance", "95",
                       "--reason", "Year end")
    assert code == 1 and "targets set, option --tolerance: '95' the tolerance must lie on the worse side" in err
    code, _, err = cli(db, "targets", "set", "no-such-measure", "--from", "2023-04", "--target", "90", "--reason", "x")
    assert code == 1 and "targets set, option ID: 'no-such-measure'" in err
    code, _, err = cli(db, "targets", "set", files.HIGHER, "--from", "2023-04", "--target", "90", "--reason", " ")
    assert code == 1 and "a reason is required to set targets" in err
    with pytest.raises(SystemExit) as bad:
        main(["--db", str(db), "targets", "set", files.HIGHER, "--from", "Smarch-23", "--target", "90", "--reason", "x"])
    assert bad.value.code == 2
    assert dump(db) == before


def test_targets_end_and_list_every_entry(db, cli):
    code, out, _ = cli(db, "targets", "end", files.HIGHER, "--from", "Apr 2023", "--reason", "No longer a target")
    assert code == 0 and out.strip() == f"No target for {files.HIGHER} from Apr-23"
    code, out, _ = cli(db, "targets", "list", "--measure", files.HIGHER)
    assert out.splitlines() == [
        "measure_id,from_period,target,tolerance", f"{files.HIGHER},2021-11,90,85.5", f"{files.HIGHER},2023-04,,",
    ]
    assert len(csv_of(cli(db, "targets", "list")[1])) == 82
    code, _, err = cli(db, "targets", "list", "--measure", "no-such-measure")
    assert code == 1 and "unknown measure 'no-such-measure'" in err


def test_comparators_set_and_its_refusal(db, cli):
    before = dump(db)
    code, _, err = cli(db, "comparators", "set", files.HIGHER, "--from", "2023-04", "--reason", "x")
    assert code == 1 and "comparators set, option --value: give a comparator value, a label, or both" in err
    assert dump(db) == before
    code, out, _ = cli(db, "comparators", "set", files.HIGHER, "--from", "2023-04", "--value", "78.5", "--label",
                       "England 2022-23", "--reason", "Published")
    assert code == 0 and out.strip().endswith("78.5, England 2022-23")
    code, out, _ = cli(db, "comparators", "set", files.COUNT, "--from", "2023-04", "--label", "No comparator published",
                       "--reason", "Published")
    assert code == 0 and out.strip().endswith(": No comparator published")


# --- Measures -----------------------------------------------------------------------------------


def test_measures_add_edit_retire_reinstate_and_history(db, cli):
    code, out, _ = cli(db, *NEW_MEASURE, "--killer", "--lower-bound", "0", "--dot-threshold", "0.5")
    assert code == 0 and out.strip() == "Added caseload at position 85 of response-to-risk"
    code, out, _ = cli(db, "measures", "edit", "caseload", "--name", "Average caseload per worker", "--not-killer",
                       "--upper-bound", "40", "--reason", "Clearer")
    assert code == 0 and out.strip() == "Changed caseload: name, killer_kpi, upper_bound"
    assert cli(db, "measures", "retire", "caseload", "--from", "2023-06", "--reason", "Replaced")[0] == 0
    listed = csv_of(cli(db, "measures", "list", "--period", "2023-05")[1]).set_index("measure_id")
    assert listed.loc["caseload", ["name", "killer_kpi", "lower_bound", "upper_bound", "dot_threshold", "retired_from"]].tolist() == [
        "Average caseload per worker", "false", "0", "40", "0.5", "2023-06",
    ]
    assert cli(db, "measures", "reinstate", "caseload", "--reason", "Still needed")[0] == 0
    history = csv_of(cli(db, "catalogue", "history", "--measure", "caseload")[1])
    assert history.columns.tolist() == ["when", "who", "what", "subject", "field", "old", "new", "reason"]
    assert history["what"].tolist()[:3] == ["reinstate_measure", "retire_measure", "edit_measure"]
    assert history.iloc[0][["field", "old", "new", "reason"]].tolist() == ["retired_from", "2023-06", "", "Still needed"]
    assert set(history["subject"]) == {"caseload"} and set(history["who"]) == {store.LOCAL_ADMIN}
    cli(db, "targets", "set", files.HIGHER, "--from", "2023-04", "--target", "92", "--reason", "Year end")
    assert len(csv_of(cli(db, "catalogue", "history")[1])) == len(history) + 2
    target = csv_of(cli(db, "catalogue", "history", "--measure", files.HIGHER)[1])
    assert target[["subject", "field", "old", "new"]].values.tolist() == [
        [f"{files.HIGHER} 2023-04", "tolerance", "85.5", "87.4"], [f"{files.HIGHER} 2023-04", "target", "90", "92"],
    ]


def test_measures_refusals_are_told_by_option_and_write_nothing(db, cli):
    before = dump(db)
    code, _, err = cli(db, "measures", "add", "--id", "Bad_Id", "--area", "nowhere", "--name", "Average caseload",
                       "--unit", "count", "--polarity", "higher", "--frequency", "monthly", "--reason", "x")
    assert code == 1
    assert "measures add, option --id: 'Bad_Id' is not in the expected form" in err
    assert "measures add, option --area: 'nowhere' must be one of" in err
    code, _, err = cli(db, "measures", "edit", files.COUNT, "--lower-bound", "5", "--upper-bound", "3", "--reason", "x")
    assert code == 1 and "measures edit, option --upper-bound: '3' the upper bound must be above the lower bound" in err
    code, _, err = cli(db, "measures", "edit", files.COUNT, "--reason", "x")
    assert code == 1 and "nothing to change" in err
    code, _, err = cli(db, "measures", "reinstate", files.COUNT, "--reason", "x")
    assert code == 1 and f"measures reinstate, option ID: '{files.COUNT}' is not retired" in err
    code, _, err = cli(db, "measures", "retire", "no-such-measure", "--from", "2023-04", "--reason", "x")
    assert code == 1 and "is not a measure of the catalogue" in err
    assert dump(db) == before


def test_measures_edit_position(db, cli):
    code, _, _ = cli(db, "measures", "edit", files.COUNT, "--position", "1", "--reason", "First")
    assert code == 0
    positions = store.load(db).measures.set_index("measure_id")["position"]
    assert positions[files.COUNT] == 1 and positions.is_unique  # swapped with the measure that was first


def test_measures_list_defaults_to_the_current_month(db, cli):
    code, out, _ = cli(db, "measures", "list")
    assert code == 0 and out.encode() == write_csv(catalogue(store.load(db), current_month()))


# --- The whole catalogue as a dataset ----------------------------------------------------------


def test_catalogue_export_then_init_rebuilds_the_same_catalogue(db, cli, tmp_path):
    cli(db, *NEW_MEASURE)
    cli(db, "measures", "retire", files.COUNT, "--from", "2023-04", "--reason", "Dropped")
    cli(db, "targets", "set", files.HIGHER, "--from", "2023-04", "--target", "92", "--reason", "Year end")
    cli(db, "targets", "end", files.NO_TOLERANCE_HIGHER, "--from", "2023-04", "--reason", "Year end")
    cli(db, "comparators", "set", files.HIGHER, "--from", "2023-04", "--value", "78.5", "--reason", "Published")
    folder = tmp_path / "dataset"
    code, out, err = cli(db, "catalogue", "export", str(folder))
    assert code == 0, err
    assert out.strip() == f"Wrote {folder}: 10 areas, 85 measures, 83 targets, 22 comparators, 1020 observations"
    copy = tmp_path / "elsewhere" / "kpi.sqlite"
    code, out, err = cli(copy, "init", "--data", str(folder))
    assert code == 0, err
    for listing in (["measures", "list"], ["measures", "list", "--period", "2023-04"], ["targets", "list"],
                    ["comparators", "list"], ["export"]):
        assert cli(copy, *listing)[1] == cli(db, *listing)[1], listing
    code, _, err = cli(db, "catalogue", "export", str(folder))
    assert code == 1 and "already holds areas.csv" in err
    assert cli(db, "catalogue", "export", str(folder), "--force")[0] == 0
