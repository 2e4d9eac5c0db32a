"""The README documents every command line command and the two promised make targets."""

import argparse
from pathlib import Path

from kpicore.cli import _parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name in commands.choices:
        assert f"`{name}" in README or f"· `{name}" in README, name


def test_the_two_commands_are_in_the_readme():
    assert "make run" in README and "make test" in README
