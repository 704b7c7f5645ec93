"""The layers of docs/architecture.md hold: import-linter's contracts, and no app uses
another app's private names."""

from __future__ import annotations

import ast
import subprocess
import sys
import uuid
from pathlib import Path

import guildhall

PACKAGE = Path(guildhall.__file__).parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _source_files():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if "migrations" in rel.parts or "tests" in rel.parts or rel.parts[0] == "testing":
            continue
        yield path, rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_no_app_uses_another_apps_private_names():
    offences = []
    for path, app in _source_files():
        tree = ast.parse(path.read_text(), str(path))
        imported_from_other: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("guildhall."):
                other = _app_of(node.module) != app
                for alias in node.names:
                    if other and alias.name.startswith("_"):
                        offences.append(f"{path.relative_to(PACKAGE)}: {node.module}.{alias.name}")
                    if other:
                        imported_from_other[alias.asname or alias.name] = node.module
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in imported_from_other and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                offences.append(f"{path.relative_to(PACKAGE)}: {node.value.id}.{node.attr}")
    assert not offences, "private names used from another app:\n" + "\n".join(offences)


def _lint() -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=PACKAGE.parent,
                          capture_output=True, text=True, timeout=300)


def test_a_forbidden_import_breaks_the_layer_contract():
    # A foundation app importing a module: the contract must catch it.
    probe = PACKAGE / "orgs" / f"layer_probe_{uuid.uuid4().hex[:8]}.py"
    probe.write_text("import guildhall.events.models  # noqa: F401\n")
    try:
        result = _lint()
    finally:
        probe.unlink()
    assert result.returncode != 0, result.stdout
    assert f"guildhall.orgs.{probe.stem} -> guildhall.events.models" in result.stdout
