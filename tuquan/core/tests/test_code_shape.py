"""The code's own rules, read from its syntax trees (issue 23): no module reaches into another
module's private names, and a product module past ~600 lines says at its top why it is not
split yet."""

from __future__ import annotations

import ast
from pathlib import Path

import tuquan

ROOT = Path(tuquan.__file__).parent
LONG = 600


def product_modules() -> list[Path]:
    return [
        p
        for p in sorted(ROOT.rglob("*.py"))
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "conftest.py"
    ]


def private_reaches(path: Path, root: Path = ROOT) -> list[str]:
    """`from tuquan.x import _name` and `module._name` where `module` came from tuquan.
    Django's `Model._meta` is its public API by convention and is allowed."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tuquan"):
            for alias in node.names:
                imported.add(alias.asname or alias.name)
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(root)}:{node.lineno} imports {node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            imported.update(
                a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("tuquan")
            )
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.attr != "_meta"
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_another_modules_private_names() -> None:
    assert [reach for path in product_modules() for reach in private_reaches(path)] == []


def test_the_private_name_check_finds_a_reach_when_there_is_one(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from tuquan.journal import services\nservices._hidden()\n", encoding="utf-8")
    assert private_reaches(sample, tmp_path) == ["sample.py:2 reads services._hidden"]


def test_a_module_past_600_lines_says_why_at_its_top() -> None:
    silent = []
    for path in product_modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LONG and "Longer than 600 lines" not in "\n".join(text.splitlines()[:30]):
            silent.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert silent == [], "split it by topic, or say at its top why not yet (“Longer than 600 lines: …”)"
