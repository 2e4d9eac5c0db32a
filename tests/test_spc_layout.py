"""The shape of the kpicore.spc package: its one dependency inside kpicore, its public names, short functions."""

from __future__ import annotations

import ast
from pathlib import Path

import kpicore.spc as spc

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = REPO_ROOT / "kpicore" / "spc"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names


def test_spc_imports_only_the_vocabulary_from_the_rest_of_kpicore():
    for path in PACKAGE.glob("*.py"):
        outside = {m for m in imported_modules(path) if m.startswith("kpicore") and not m.startswith("kpicore.spc")}
        assert outside <= {"kpicore.vocab"}, path.name


def names_used_from_spc(tree: ast.AST) -> set[str]:
    """Names taken by `from kpicore.spc import X` and, after `from kpicore import spc`, by `spc.X`."""
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    used = {alias.name for node in imports if node.module == "kpicore.spc" for alias in node.names}
    if any(node.module == "kpicore" and "spc" in {alias.name for alias in node.names} for node in imports):
        used |= {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "spc"
        }
    return used


def test_every_name_the_repo_imports_from_spc_is_public():
    used: set[str] = set()
    for path in REPO_ROOT.rglob("*.py"):
        if ".venv" not in path.parts and PACKAGE not in path.parents:
            used |= names_used_from_spc(ast.parse(path.read_text(encoding="utf-8")))
    assert {"analyse", "analyse_many", "PointType", "MIN_POINTS"} <= used
    assert used <= set(spc.__all__), sorted(used - set(spc.__all__))
    assert all(hasattr(spc, name) for name in spc.__all__)


def test_no_spc_function_is_longer_than_sixty_lines():
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                assert node.end_lineno - node.lineno < 60, f"{path.name}:{node.name}"
