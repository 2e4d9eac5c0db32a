"""A dataset with an error makes init refuse, naming file, row and column, and write nothing."""

import hashlib
import shutil

import pytest

from kpicore import store
from kpicore.cli import main
from kpicore.files.dataset import DATA_DIR, FILES, read_dataset


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    for name in FILES:
        shutil.copy(DATA_DIR / f"{name}.csv", folder / f"{name}.csv")
    return folder


def edit(path, line_number: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` on one line of a CSV (line 1 is the header)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line_number - 1], lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1) if text in line)


def refuse(data, tmp_path, capsys) -> str:
    db = tmp_path / "kpi.sqlite"
    assert main(["--db", str(db), "init", "--data", str(data)]) == 1
    assert not db.exists(), "nothing may be written"
    assert [p.name for p in db.parent.glob(".init-*")] == []
    return capsys.readouterr().err


def test_the_shipped_dataset_is_valid():
    tables = read_dataset()
    assert {name: len(frame) for name, frame in tables.items()} == {
        "areas": 10, "measures": 84, "targets": 81, "comparators": 21, "observations": 1020,
    }


def test_tolerance_on_the_better_side(data, tmp_path, capsys):
    row = line_of(data / "targets.csv", "children-subject-to-a-cpp-for-more-than-1,")
    edit(data / "targets.csv", row, ",10,10.5", ",10,9.5")
    error = refuse(data, tmp_path, capsys)
    assert f"targets.csv row {row}, column tolerance: '9.5' the tolerance must lie on the worse side" in error


def test_unknown_area(data, tmp_path, capsys):
    edit(data / "measures.csv", 2, ",response-to-risk,", ",response-to-rsk,")
    error = refuse(data, tmp_path, capsys)
    assert "measures.csv row 2, column area_id: 'response-to-rsk' must be one of" in error


def test_unknown_unit(data, tmp_path, capsys):
    edit(data / "measures.csv", 3, ",percent,", ",percentage,")
    error = refuse(data, tmp_path, capsys)
    assert "measures.csv row 3, column unit: 'percentage' must be one of ['percent', 'count', 'rate', 'days']" in error


def test_value_outside_its_bounds(data, tmp_path, capsys):
    edit(data / "observations.csv", 2, ",67.4,", ",167.4,")
    error = refuse(data, tmp_path, capsys)
    assert "observations.csv row 2, column value: '167.4' is outside the measure's allowed range (0 to 100)" in error


def test_utilisation_may_exceed_100_but_not_its_own_bound(data, tmp_path, capsys):
    row = line_of(data / "observations.csv", "utilisation-of-available-in-house-foster,2022-01,")
    edit(data / "observations.csv", row, ",100.4,", ",150.1,")
    error = refuse(data, tmp_path, capsys)
    assert f"row {row}, column value: '150.1' is outside the measure's allowed range (0 to 150)" in error


def test_duplicate_measure_month(data, tmp_path, capsys):
    path = data / "observations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([*lines[:3], lines[2].replace(",70.6,", ",71.0,"), *lines[3:]]), encoding="utf-8")
    error = refuse(data, tmp_path, capsys)
    assert "observations.csv row 3, column measure_id: 'initial-contact-decisions-made-within' appears more than once" in error
    assert "observations.csv row 4, column period: '2021-12' appears more than once" in error


def test_not_a_number_and_a_fractional_count_are_all_reported(data, tmp_path, capsys):
    edit(data / "observations.csv", 5, ",75.1,", ",75.1x,")
    row = line_of(data / "observations.csv", "audits-completed-to-accepted-standard,2022-04,")
    edit(data / "observations.csv", row, ",52,", ",52.5,")
    error = refuse(data, tmp_path, capsys)
    assert "observations.csv row 5, column value: '75.1x' must be a number" in error
    assert f"observations.csv row {row}, column value: '52.5' a count must be a whole number" in error


def test_unknown_measure_in_observations(data, tmp_path, capsys):
    edit(data / "observations.csv", 2, "initial-contact-decisions-made-within,", "no-such-measure,")
    error = refuse(data, tmp_path, capsys)
    assert "observations.csv row 2, column measure_id: 'no-such-measure' must be one of" in error
    assert "column unit" not in error


def test_forced_init_with_a_bad_dataset_leaves_the_database_as_it_was(data, tmp_path, capsys):
    db = tmp_path / "kpi.sqlite"
    store.initialise(db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    edit(data / "measures.csv", 2, ",percent,", ",percentage,")
    assert main(["--db", str(db), "init", "--force", "--data", str(data)]) == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert "Refused" in capsys.readouterr().err


def test_init_refuses_to_overwrite_without_force(tmp_path, capsys):
    db = tmp_path / "kpi.sqlite"
    assert main(["--db", str(db), "init"]) == 0
    assert main(["--db", str(db), "init"]) == 1
    assert "use --force" in capsys.readouterr().err
    assert main(["--db", str(db), "init", "--force"]) == 0
