"""Sniffing the file type: refusing, before reading a cell, a file that is not CSV text or an Excel workbook."""

from __future__ import annotations

from kpicore.files.upload.limits import MB, UPLOAD_LIMITS, Limits

MAX_BYTES = UPLOAD_LIMITS.max_file_bytes
ZIP_SIGNATURE = b"PK\x03\x04"
BYTE_ORDER_MARKS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}
"""The text encodings a CSV may be in, by the byte order mark it starts with (UTF-8 without one)."""
_SIGNATURES = [
    (ZIP_SIGNATURE, "an Excel workbook or another zip file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel 97-2003 (.xls) file"),
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
]


def suffix(name: str) -> str:
    """The file name's extension, lower case (``csv``, ``xlsx``), or ``""``."""
    return name.lower().rsplit(".", 1)[-1] if "." in name else ""


def encoding(data: bytes) -> str:
    """The encoding of CSV text, by its byte order mark: UTF-8 or UTF-16 (Excel's 'Unicode Text')."""
    return next((name for mark, name in BYTE_ORDER_MARKS.items() if data.startswith(mark)), "utf-8")


def sniff(data: bytes) -> str | None:
    """What a file's first bytes say it is (``a PNG image``), or ``None`` for what may be text."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return what
    if encoding(data) != "utf-16" and b"\x00" in data[:8192]:
        return "a binary file"
    return None


def refusal(file_suffix: str, data: bytes, limits: Limits = UPLOAD_LIMITS) -> str | None:
    """Why a file cannot be read at all, judged by its name, size and first bytes; ``None`` when it can be tried."""
    if file_suffix not in ("csv", "xlsx"):
        if file_suffix == "xls":
            return "is an old Excel 97-2003 file: save it as an Excel workbook (.xlsx) or as CSV UTF-8"
        return "is not a CSV (.csv) or Excel (.xlsx) file: use one of the templates"
    if len(data) > limits.max_file_bytes:
        return f"is too large ({len(data) / MB:.1f} MB): at most {limits.max_file_bytes / MB:g} MB (max_file_bytes)"
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        return "is empty: there is nothing to read"
    return _named_wrongly(file_suffix, sniff(data), data)


def _named_wrongly(file_suffix: str, what: str | None, data: bytes) -> str | None:
    """A ``.csv`` that is not text, or an ``.xlsx`` that is not a workbook."""
    if file_suffix == "csv" and what:
        hint = " (give it the .xlsx name, or save it as CSV UTF-8)" if what.startswith("an Excel") else ""
        if what == "a binary file":
            hint = " (if it is text, save it as CSV UTF-8)"
        return f"is named .csv but is {what}, not CSV text{hint}"
    if file_suffix == "xlsx" and not data.startswith(ZIP_SIGNATURE):
        return f"is named .xlsx but is {what or 'text (perhaps CSV)'}, not an Excel workbook"
    return None
