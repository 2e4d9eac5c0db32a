"""``write_csv`` at scale works out the formula rule once per distinct text and quotes in one pass;
what it writes is unchanged: numbers plain wherever they sit, a lone carriage return quoted."""

import csv
import io

import numpy as np
import pandas as pd

from kpicore.files.csv_writer import write_csv


def test_a_column_of_numbers_held_as_objects_is_written_as_plain_numbers():
    # the scorecard's comparator column: a value where there is one, else a label; here all values
    frame = pd.DataFrame({"comparator": pd.Series([43.0, 52.5, np.nan], dtype=object), "band": ["met", "worse", None]})
    assert write_csv(frame) == b"comparator,band\n43,met\n52.5,worse\n,\n"


def test_every_text_is_neutralised_and_only_what_needs_it_is_quoted():
    frame = pd.DataFrame({
        "text": ["=1+1", "=1+1", "ok\r=cmd", "a, b", 'say "hi"', "plain", None],
        "value": [1.0, 2.5, -0.0, 1e-7, 77.6, 52.0, np.nan],
        "flag": [True, False, True, False, True, False, True],
    })
    text = write_csv(frame).decode()
    assert text.splitlines()[1:3] == ["'=1+1,1,true", "'=1+1,2.5,false"]
    assert "\"ok\r'=cmd\",0,true\n" in text  # a lone carriage return is quoted, the formula after it neutralised
    assert '"a, b",0,false\n"say ""hi""",77.6,true\nplain,52,false\n,,true\n' in text
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert len(records) == 8 and records[3][0] == "ok\r'=cmd"


def test_without_a_carriage_return_a_field_is_quoted_exactly_when_it_holds_a_comma_quote_or_line_feed():
    rng = np.random.default_rng(1)
    words = np.array(["a", "b,c", 'd"e', "f\ng", "", "h i", "-1", "j;k"], dtype=object)
    frame = pd.DataFrame({f"c{i}": rng.choice(words, 300) for i in range(5)})

    def field(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text

    expected = "".join(",".join(field(cell) for cell in row) + "\n" for row in [list(frame.columns), *frame.values.tolist()])
    assert write_csv(frame, for_spreadsheets=False).decode() == expected
