"""What every plan shares: either its problems, or its changes each with a status, shown before anything
is written (a submission of figures, a year-end targets or comparators file)."""

from __future__ import annotations

import pandas as pd

from kpicore.problems import Problem


class Previewed:
    """A plan's problems, or its ``changes`` with a ``status`` each; ``unchanged`` rows are never written."""

    name: str
    problems: list[Problem]
    changes: pd.DataFrame

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, status: str) -> int:
        return int((self.changes["status"] == status).sum())

    @property
    def to_write(self) -> pd.DataFrame:
        """The rows that would be written: every one not ``unchanged``."""
        return self.changes[self.changes["status"] != "unchanged"]

    def summarised(self, statuses: tuple[str, ...], things: str) -> str:
        """``name: 3 new, 0 revised, 1 unchanged figure(s).``, or that it was refused and nothing written."""
        if self.problems:
            return f"Refused: {len(self.problems)} problem(s) in {self.name}; nothing was written."
        return f"{self.name}: " + ", ".join(f"{self.count(s)} {s}" for s in statuses) + f" {things}."
