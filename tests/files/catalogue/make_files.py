"""Write the catalogue test files of this folder: `python -m tests.files.catalogue.make_files`.

The files are committed; this script documents how they were made and remakes them identically.
The measures are the shipped dataset's (targets from 2021-11):

- ``initial-contact-decisions-made-within``: percent, higher is better, target 90, tolerance 85.5;
- ``end-to-end-contact-decisions-made-within``: the same, named by its exact name;
- ``repeat-referrals-in-month-previous-referral``: percent, lower is better, 21.5 / 22.6, comparator 20.1;
- ``cases-judged-as-inadequate``: lower is better, target 9, no tolerance;
- ``cases-judged-as-good-or-better``: higher is better, target 50, no tolerance;
- ``children-in-care-with-2-or-fewer-social``: no target; a comparator that is only a label;
- ``audits-completed-to-accepted-standard``: a count, target 45, no tolerance;
- ``icpcs-that-took-place-within-15-w-days``: comparator 82.1 "Average 2021/22".
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tests.files.make_files import rows_csv, xlsx

HERE = Path(__file__).resolve().parent
HIGHER, BY_NAME, LOWER = (
    "initial-contact-decisions-made-within",
    "end-to-end-contact-decisions-made-within",
    "repeat-referrals-in-month-previous-referral",
)
NO_TOLERANCE_LOWER, NO_TOLERANCE_HIGHER = "cases-judged-as-inadequate", "cases-judged-as-good-or-better"
NO_TARGET, COUNT, WITH_COMPARATOR = (
    "children-in-care-with-2-or-fewer-social",
    "audits-completed-to-accepted-standard",
    "icpcs-that-took-place-within-15-w-days",
)
END_TO_END_NAME = "% of end-to-end contact decisions made within 48 hours"

FILES: dict[str, bytes] = {
    # Every kind of row: a proposed tolerance (blank), one by name (unchanged), "none", an unchanged
    # target without tolerance, a first target ("propose"), an ended target; three month forms and
    # columns that are not read.
    "targets-valid.csv": rows_csv([
        ["measure_id", "measure", "polarity", "from_period", "target", "tolerance", "comment"],
        [HIGHER, "", "higher", "2023-04", "92", "", "raised for 2023-24"],
        ["", END_TO_END_NAME, "", "Apr-23", "90", "85.5", ""],
        [LOWER, "", "", "Apr 2023", "20", "none", ""],
        [NO_TOLERANCE_LOWER, "", "", "2023-04", "9", "None", ""],
        [NO_TARGET, "", "", "2023-04", "75%", "propose", ""],
        [NO_TOLERANCE_HIGHER, "", "", "2023-04", "", "", "no target from April"],
    ], bom=True),
    # The four refusals of the brief, one a row, and a duplicate.
    "targets-problems.csv": rows_csv([
        ["measure_id", "from_period", "target", "tolerance"],
        [HIGHER, "2023-04", "92", "95"],
        ["no-such-measure", "2023-04", "90", ""],
        [LOWER, "Smarch-23", "20", ""],
        [BY_NAME, "2023-04", "ninety", ""],
        [COUNT, "2023-04", "50", "45"],
        [COUNT, "Apr-23", "50", "45"],
    ]),
    "targets-no-period.csv": rows_csv([["measure_id", "target", "tolerance"], [HIGHER, "92", ""]]),
    "comparators-valid.csv": rows_csv([
        ["measure_id", "measure", "unit", "from_period", "value", "label"],
        [WITH_COMPARATOR, "", "percent", "2023-04", "83.5", "England 2022-23"],
        [LOWER, "", "percent", "2023-04", "20.1", "Average 2021/22"],
        [NO_TARGET, "", "percent", "2023-04", "", "Stability Index 2022"],
        [HIGHER, "", "percent", "2023-04", "78.2", ""],
        [BY_NAME, "", "percent", "2023-04", "", ""],
    ]),
    "comparators-problems.csv": rows_csv([
        ["measure_id", "from_period", "value", "label"],
        [WITH_COMPARATOR, "2023-04", "", ""],
        [LOWER, "2023-04", "twenty", "England"],
        ["no-such-measure", "2023-04", "1", ""],
        [HIGHER, "2023-13", "80", ""],
        [COUNT, "2023-04", "", "x" * 201],
    ]),
}


def excel_files() -> dict[str, bytes]:
    april = datetime(2023, 4, 1)
    valid = [
        ["measure_id", "from_period", "target", "tolerance"],
        [HIGHER, april, 0.92, 0.874],
        [LOWER, "2023-04", 20, "none"],
        [COUNT, datetime(2023, 4, 15), 50, None],
    ]
    valid_formats = {(2, 2): "mmm-yy", (2, 3): "0%", (2, 4): "0.0%", (4, 2): "dd/mm/yyyy"}
    problems = [
        ["Targets for 2023-24", None, None, None],
        ["measure_id", "from_period", "target", "tolerance"],
        [HIGHER, datetime(2023, 4, 1), 92, None],
        [COUNT, "2023-04", 0.5, None],
        [LOWER, "2023-04", datetime(2023, 4, 1), None],
    ]
    problem_formats = {(3, 2): "d-mmm", (4, 3): "0%", (5, 3): "dd/mm/yyyy"}
    return {
        "targets-excel.xlsx": xlsx(valid, valid_formats),
        "targets-problems.xlsx": xlsx(problems, problem_formats),
    }


def main() -> None:
    files = {**FILES, **excel_files()}
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(files)} files to {HERE}")


if __name__ == "__main__":
    main()
