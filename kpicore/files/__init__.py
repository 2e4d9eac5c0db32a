"""Readers and writers of files: uploads (CSV/XLSX), the scorecard as CSV and Excel, the
shipped dataset and the legacy spreadsheet export. No rule lives here; each calls the rules."""
