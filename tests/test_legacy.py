"""Reading the council's legacy export: every row reconciles, every known fault handled."""

from pathlib import Path

import pandas as pd
import pytest

from kpicore.files import legacy
from kpicore.files.dataset import DATA_DIR, FILES, LEGACY_EXPORT, build_from_legacy, write_dataset

SEED = DATA_DIR / LEGACY_EXPORT


@pytest.fixture(scope="module")
def rows():
    return {row.name: row for row in legacy.read_rows(SEED)}


def test_all_84_measures_in_ten_areas(rows):
    assert len(rows) == 84
    assert len({row.area for row in rows.values()}) == 10


def test_every_row_reconciles_with_its_own_change_and_distance(rows):
    for row in rows.values():
        latest = row.values.get(row.months[-1])
        if row.change is not None:
            step = 3 if row.name.startswith("% of Children's Services Audits") else 1
            previous = row.values[row.months[-1 - step]]
            assert abs(latest - previous - row.change) <= 0.15, row.name
        if row.distance is not None:
            assert abs(latest - row.target - row.distance) <= 0.15, row.name


def test_rows_shifted_one_cell_left_are_read_in_place(rows):
    higher_education = rows["% of care experienced people in Higher Education"]
    assert higher_education.area == "Education - Children in Care/ Care Experienced People"
    assert (higher_education.values["2021-11"], higher_education.values["2022-11"]) == (4.5, 5.9)
    assert (higher_education.target, higher_education.tolerance, higher_education.comparator) == (6.0, 5.7, "5.0%")
    allocated = rows["% of children allocated in timescale (1 w.day)"]
    assert allocated.area == "Management Oversight"
    assert (allocated.values["2022-11"], allocated.target, allocated.tolerance) == (98.2, 95.0, 90.3)


def test_rows_with_an_extra_empty_cell_start_later(rows):
    supervision = rows["% of Foster Carers with a supervision within timescale"]
    assert min(supervision.values) == "2022-03" and supervision.values["2022-03"] == 87.2
    assert (supervision.values["2022-11"], supervision.target, supervision.tolerance) == (92.3, 95.0, 90.3)
    completed = rows["% of children for whom pre-proceedings were completed within 16 weeks (Rolling Year)"]
    assert completed.values == {"2022-09": 28.3, "2022-10": 29.0, "2022-11": 27.6}
    assert completed.killer_kpi and (completed.target, completed.tolerance) == (80.0, 76.0)


def test_audit_count_is_a_count_printed_as_a_percentage(rows):
    audits = rows["Number of audits completed to accepted standard and uploaded"]
    assert audits.unit == "count"
    assert (audits.change, audits.distance) == (-1.0, 1.0)
    assert (audits.values["2022-04"], audits.values["2022-11"], audits.target, audits.tolerance) == (52, 46, 45, None)
    assert audits.area == "Quality Assurance"


def test_quarterly_school_holiday_and_text_comparators(rows):
    audits = rows["% of Children's Services Audits rated R.I. or better"]
    assert audits.values == {"2021-12": 80.0, "2022-03": 92.0, "2022-06": 85.0, "2022-09": 93.0}
    attendance = rows["% of school aged children in care with an education placement"]
    assert "2022-08" not in attendance.values and len(attendance.values) == 12
    social_workers = rows["% of children in care with 2 or fewer Social Workers in 12 months"]
    assert social_workers.target is None
    assert social_workers.comparator.startswith("RI - 2 in 3 (66%)")


def test_a_row_that_reconciles_nowhere_is_refused(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("\t10.2%\t-12.4%\t", "\t3.0%\t-12.4%\t", 1)
    broken = tmp_path / "broken.txt"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(legacy.LegacyFormatError, match="line 12 .*do not reconcile"):
        legacy.read_rows(broken)


def test_polarity_must_be_known(tmp_path):
    overrides = pd.read_csv(DATA_DIR / "legacy" / "overrides.csv", dtype=str)
    overrides = overrides[overrides["measure"] != "% of cases judged as Inadequate"]
    with pytest.raises(legacy.LegacyFormatError, match="Inadequate.*polarity"):
        legacy.to_dataset(legacy.read_rows(SEED), overrides)


def test_rebuilding_data_from_the_seed_gives_the_shipped_files(tmp_path):
    write_dataset(build_from_legacy(DATA_DIR), tmp_path)
    for name in FILES:
        assert (tmp_path / f"{name}.csv").read_text() == (DATA_DIR / f"{name}.csv").read_text(), name


def test_short_ids_are_unique_and_stable():
    ids = legacy.short_ids(["% of cases judged as Good or better", "% of cases judged as Good or better (CP)"])
    assert ids == ["cases-judged-as-good-or-better", "cases-judged-as-good-or-better-cp"]


def test_the_data_readme_lists_every_override():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for measure in pd.read_csv(DATA_DIR / "legacy" / "overrides.csv")["measure"]:
        assert measure in readme, measure


def test_nothing_reads_outside_the_project():
    root = Path(__file__).resolve().parent.parent
    for path in [*root.glob("kpicore/**/*.py"), *root.glob("pages/*.py"), *root.glob("ui/*.py"), *root.glob("schemas/*.py"), root / "Makefile"]:
        assert "../" + "shared" not in path.read_text(encoding="utf-8"), path
