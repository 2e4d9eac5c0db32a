"""Reading a submitted CSV or Excel file into figures, finding every problem on the way.

Two layouts are accepted (DESIGN.md section 4):

- **long**: one figure per row, columns ``measure_id`` (or ``measure``, the exact
  name), ``period``, ``value`` and optionally ``commentary``, ``performance_group``;
- **scorecard**: one measure per row, a ``measure_id`` (or ``measure``) column and
  one column per month headed ``2022-11``, ``Nov-22``, ``Nov 2022`` or an Excel date.
  Blank cells mean "no figure", never zero.

A value is ``77.6`` or ``77.6%``; an Excel cell formatted as a percentage (0.776)
reads as 77.6. Numbers that could be read two ways (``1,234.5``, ``1.234,5``,
``1,5``), ``NaN`` and infinity are refused. Nothing here touches the database:
``read`` returns the figures and the problems, each with the row and column
the person sees in their spreadsheet (the header is row 1 in a CSV).

Every file is read within ``Limits`` (``limits``: the upload page's, or the
command line's), and whatever goes wrong is a problem of the file, never an
exception: a limit broken names the limit. Text a spreadsheet-safe file quoted
(``'=SUM(1)``) is read as it was before (``formulas.restore_formula``).

Split by step, in the order a file is read: ``file_type`` (sniffing the file
type and a CSV's encoding, refusing what cannot be read), ``workbook_zip`` (a
workbook's zip checked before it is opened), ``budget`` (the limits while
reading), ``reader`` (the file into a grid of cells; ``xlsx_grid`` for a
workbook), ``header`` (finding the header row and naming its
columns), ``layout`` (deciding long or scorecard), ``measures`` (resolving measure
names and ids), ``rows`` (a row of figures and its measure), ``long_rows`` and
``scorecard_rows`` (reading a row of each layout), ``grid`` (all of it, header to
figures); ``cells`` and ``numbers`` are what a cell holds and the number in it;
``templates`` are the blank files offered for download. The names below are the
public interface.
"""

from kpicore.files.upload.cells import Number
from kpicore.files.upload.file_type import MAX_BYTES
from kpicore.files.upload.header import HEADER_SEARCH_ROWS
from kpicore.files.upload.layout import LONG, SCORECARD
from kpicore.files.upload.limits import COMMAND_LINE_LIMITS, UPLOAD_LIMITS, Limits
from kpicore.files.upload.numbers import parse_number
from kpicore.files.upload.parsed import FIGURE_COLUMNS, Parsed
from kpicore.files.upload.reader import read
from kpicore.files.upload.templates import TEMPLATE_COLUMNS, TEMPLATES, template

__all__ = [
    "COMMAND_LINE_LIMITS", "FIGURE_COLUMNS", "HEADER_SEARCH_ROWS", "LONG", "MAX_BYTES", "SCORECARD", "TEMPLATES",
    "TEMPLATE_COLUMNS", "UPLOAD_LIMITS", "Limits", "Number", "Parsed", "parse_number", "read", "template",
]
