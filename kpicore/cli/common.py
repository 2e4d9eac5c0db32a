"""What every command shares: a month given as an argument, and writing a result to a file or the screen."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpicore.periods import parse_period


def month_argument(text: str) -> str:
    """A month as ``argparse`` takes it: ``2022-11``, ``Nov-22`` or ``Nov 2022``; anything else is a usage error."""
    try:
        return parse_period(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def write_out(data: bytes, output: Path | None) -> None:
    """``data`` to ``output``, or to standard output."""
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
