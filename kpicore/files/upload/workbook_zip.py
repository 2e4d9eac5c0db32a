"""A workbook's zip, checked before openpyxl opens it: its parts, their size once unzipped and how
much they were compressed, and no macros.

The sizes a zip states are what ``zipfile`` (and so openpyxl) will read of each part: it stops at a
part's stated size and refuses a part whose content does not match it (a CRC error), so checking the
stated sizes bounds what reading the workbook can unzip.
"""

from __future__ import annotations

import io
import zipfile

from kpicore.files.upload.limits import MB, Limits

_NOT_A_ZIP = "is not a readable Excel workbook (it is not a complete zip file): save it again as .xlsx"


def zip_refusal(data: bytes, limits: Limits) -> str | None:
    """Why a workbook's zip is refused before a cell is read, naming the limit it broke; ``None`` when it may be opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return _NOT_A_ZIP
    if len(parts) > limits.max_zip_entries:
        return (
            f"has {len(parts)} parts inside its zip, more than the {limits.max_zip_entries} a workbook may have "
            "(max_zip_entries): save it again as a plain Excel workbook"
        )
    unzipped = sum(part.file_size for part in parts)
    if unzipped > limits.max_uncompressed_bytes:
        return (
            f"would be {unzipped / MB:.0f} MB once unzipped: at most {limits.max_uncompressed_bytes / MB:g} MB "
            "(max_uncompressed_bytes); split it into smaller files, or save it as CSV"
        )
    for part in parts:
        if part.file_size > MB and part.file_size > limits.max_compression_ratio * max(part.compress_size, 1):
            return (
                f"has a part ({part.filename[:60]}) compressed {part.file_size / max(part.compress_size, 1):.0f} "
                f"times, more than the {limits.max_compression_ratio} times a workbook's part may be "
                "(max_compression_ratio): it may be a decompression bomb; save it again from Excel"
            )
    if any(part.filename.lower().endswith("vbaproject.bin") for part in parts):
        return (
            "is a macro-enabled workbook (it holds a VBA project): save it as 'Excel Workbook (.xlsx)', "
            "without macros, and upload that"
        )
    return None
