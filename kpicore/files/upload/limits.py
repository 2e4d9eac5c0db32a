"""How much one file may hold before it is refused: the limits every upload is read within.

A file is refused, with the limit it broke named, before it can take the server's memory
or time: its size on disk, its size once unzipped (an ``.xlsx`` is a zip), its rows,
columns, cells and the length of a cell, and the time spent reading it. The web page and the
command line have their own limits (the command line may load a whole history at once).
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The most one file may hold; every refusal names the limit it broke."""

    max_file_bytes: int = 10 * MB
    """The file as uploaded (compressed, for a workbook)."""
    max_uncompressed_bytes: int = 100 * MB
    """A workbook's parts once unzipped: a decompression bomb stops here."""
    max_compression_ratio: int = 200
    """A workbook part of over a megabyte unzipped may be at most this many times its zipped size
    (a real sheet is about 5 to 20; a bomb of repeated bytes about 1000)."""
    max_zip_entries: int = 1000
    """The parts of a workbook (a plain one has about ten)."""
    max_rows: int = 250_000
    max_columns: int = 500
    max_cells: int = 1_000_000
    """Cells read, blank or not: what a file may take in memory while it is read."""
    max_cell_chars: int = 10_000
    """The longest text in one cell (commentary included)."""
    max_number_chars: int = 50
    """The longest text read as a number (``-1234567.123456%`` is 16)."""
    max_parse_seconds: float = 60.0
    """Reading one file stops after this long."""
    max_problems: int = 200
    """Problems listed one by one; beyond this, a count of the rest."""


UPLOAD_LIMITS = Limits()
"""The Upload page's limits."""

COMMAND_LINE_LIMITS = Limits(
    max_file_bytes=200 * MB, max_uncompressed_bytes=2000 * MB, max_rows=5_000_000, max_cells=10_000_000,
    max_parse_seconds=1800.0,
)
"""``python -m kpicore import``: a whole history may be loaded at once."""
