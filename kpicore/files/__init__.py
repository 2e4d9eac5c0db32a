"""Readers and writers of files: uploads (CSV/XLSX), the scorecard as CSV and Excel, the
shipped dataset and the legacy spreadsheet export. No rule lives here; each calls the rules."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The shipped dataset's folder (``data/``), and where the database lives by default."""
