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


# --- imports of another app sit at the module's top -------------------------------------------

APPS = ("core", "accounts", "registry", "journal", "care", "tips", "assessment", "reports", "documents")


def app_of(path: Path, root: Path = ROOT) -> str | None:
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 and parts[0] in APPS else None


def silent_function_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Imports of another app inside a function with no comment saying why (on the line above
    or at the import's end): the layers allow them at the top, where a reader sees them."""
    app = app_of(path, root)
    if app is None:
        return []
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for fn in ast.walk(ast.parse(text)):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] != "tuquan" or len(parts) < 2 or parts[1] not in APPS or parts[1] == app:
                    continue
                above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                if not above.startswith("#") and "#" not in lines[node.end_lineno - 1]:  # type: ignore[operator]
                    found.append(f"{path.relative_to(root)}:{node.lineno} imports {module} in {fn.name}()")
    return sorted(set(found))


def test_an_import_of_another_app_inside_a_function_says_why() -> None:
    assert [s for path in product_modules() for s in silent_function_imports(path)] == []


def test_the_function_import_check_finds_a_silent_one_and_accepts_a_reason(tmp_path: Path) -> None:
    app = tmp_path / "journal"
    app.mkdir()
    (app / "views.py").write_text(
        "def a():\n    from tuquan.registry import models\n\n"
        "def b():\n    # a cycle: registry.x imports this module\n    from tuquan.registry import x\n\n"
        "def c():\n    from tuquan.journal import models  # same app\n\n"
        "def d():\n    from tuquan.journal import services\n",
        encoding="utf-8",
    )
    assert silent_function_imports(app / "views.py", tmp_path) == [
        "journal/views.py:2 imports tuquan.registry in a()"
    ]


# --- permissions live in each app's permissions.py --------------------------------------------

DECIDERS = {"covers", "has_cap", "is_system_admin"}


def permission_names() -> dict[str, Path]:
    return {
        node.name: path
        for path in sorted(ROOT.glob("*/permissions.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("can_")
    }


def test_every_permission_is_called_outside_the_tests() -> None:
    used: set[str] = set()
    for path in product_modules():
        if path.name == "permissions.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.Name):
                used.add(node.id)
    # A permission may also be asked by another permission of its app (can_record_entry asks can_edit_roster).
    for path in ROOT.glob("*/permissions.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                used.add(node.func.id if isinstance(node.func, ast.Name) else node.func.attr)
    assert sorted(set(permission_names()) - used) == []


def scoping_call(func: ast.expr) -> str:
    """`scoping.covers(...)` and a bare `covers(...)` count; `self.covers(...)` (a cache) does not."""
    if isinstance(func, ast.Attribute):
        return func.attr if isinstance(func.value, ast.Name) and func.value.id == "scoping" else ""
    return func.id if isinstance(func, ast.Name) else ""


def deciding_checks(path: Path, root: Path = ROOT) -> list[str]:
    """Outside permissions.py, a function that asks core.scoping (`covers`, `has_cap`,
    `is_system_admin`) and either is a predicate (`can_*`, `may_*`) or raises PermissionDenied
    (the `_require(actor, path, cap, message)` shape): that decision belongs in a
    `can_<verb>_<entity>`. Combining permissions (an import's cached `may_edit_roster`) is fine."""
    if path.name == "permissions.py" or (path.parent.name == "core" and path.name == "scoping.py"):
        return []
    found = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(fn, ast.FunctionDef):
            continue
        calls = {scoping_call(n.func) for n in ast.walk(fn) if isinstance(n, ast.Call)}
        predicate = fn.name.lstrip("_").startswith(("can_", "may_"))
        if calls & DECIDERS and (predicate or "PermissionDenied" in calls):
            found.append(f"{path.relative_to(root)}:{fn.lineno} {fn.name}")
    return found


def test_no_module_but_permissions_decides_who_may() -> None:
    assert [c for path in product_modules() for c in deciding_checks(path)] == []


def test_the_deciding_check_finds_a_require_helper(tmp_path: Path) -> None:
    sample = tmp_path / "services.py"
    sample.write_text(
        "def _require(actor, path, cap, message):\n"
        "    if not scoping.covers(actor, path, cap):\n"
        "        raise PermissionDenied(message)\n\n"
        "def _may_enter(actor, area):\n    return scoping.has_cap(actor, 'x')\n\n"
        "def may_write(row):\n    return permissions.can_edit_roster(actor, row.team)\n\n"
        "def entry_create(*, actor, team):\n"
        "    if not permissions.can_record_entry(actor, team):\n"
        "        raise PermissionDenied('no')\n",
        encoding="utf-8",
    )
    assert deciding_checks(sample, tmp_path) == ["services.py:1 _require", "services.py:5 _may_enter"]
