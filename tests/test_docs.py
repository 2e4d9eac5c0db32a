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


ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_every_module_is_described_in_the_architecture_page():
    for path in sorted([*ROOT.glob("kpicore/**/*.py"), *ROOT.glob("schemas/*.py"), *ROOT.glob("ui/*.py")]):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        relative = path.relative_to(ROOT).as_posix()
        folder = path.parent.relative_to(ROOT).as_posix() + "/"
        in_its_folder = f"`{folder}`" in ARCHITECTURE and f"`{path.name}`" in ARCHITECTURE
        assert f"`{relative}`" in ARCHITECTURE or in_its_folder, f"{relative} is not in docs/architecture.md"


def test_every_function_in_the_rule_table_exists():
    import importlib
    import re

    table = ARCHITECTURE.split("## Where each rule lives", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"`(kpicore\.[\w.]+)`", table)
    assert len(names) > 20
    for name in names:
        parts = name.split(".")
        for split in range(len(parts) - 1, 0, -1):
            try:
                target = importlib.import_module(".".join(parts[:split]))
            except ModuleNotFoundError:
                continue
            for attribute in parts[split:]:
                target = getattr(target, attribute)
            break
        else:
            raise AssertionError(f"{name} names no module")
        assert callable(target) or isinstance(target, property), name


def test_every_command_has_a_function():
    from kpicore.cli import COMMANDS

    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(COMMANDS) == set(commands.choices)
