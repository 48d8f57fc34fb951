"""The shape of the code: imports run one way (docs/architecture.md), and the rest of the code asks
the registry of kinds instead of naming a kind."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PRODUCT = ("transforms", "warehouse", "zhaoshang", "flows")
KIND_NAMES = ("月报", "周报", "项目库", "述职评议")

# floor of each package or module (the longest matching prefix counts); docs/architecture.md draws them
FLOORS = {
    "transforms.contract": 1, "transforms.findings": 1,
    "transforms.staging": 2,
    "transforms.due": 3, "transforms.dimensions": 3, "transforms.status_words": 3,
    "transforms.kinds": 4,
    "warehouse": 5,
    "zhaoshang.settings": 6, "zhaoshang.workcalendar": 6, "zhaoshang.visible": 6,
    "zhaoshang": 7,
    "flows": 8, "zhaoshang.cli": 8, "zhaoshang.serving": 8,
}


def floor_of(module: str) -> int | None:
    """The floor of a dotted module name (None: not ours)."""
    best = max((p for p in FLOORS if module == p or module.startswith(p + ".")), key=len, default=None)
    return FLOORS[best] if best else None


def product_files() -> list[Path]:
    return sorted(p for top in PRODUCT for p in (PROJECT / top).rglob("*.py") if "migrations" not in p.parts)


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(PROJECT).with_suffix("").parts).removesuffix(".__init__")


def imports_of(path: Path) -> set[str]:
    """Every module of ours that `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
    return {name for name in found if floor_of(name) is not None}


def test_imports_never_run_up_a_floor() -> None:
    upward = []
    for path in product_files():
        here = floor_of(module_of(path))
        upward += [f"{module_of(path)} (floor {here}) → {name} (floor {floor_of(name)})"
                   for name in sorted(imports_of(path)) if floor_of(name) > here]
    assert upward == []


def test_transforms_never_imports_the_top_package() -> None:
    wrong = [str(p) for p in (PROJECT / "transforms").rglob("*.py")
             if any(name.startswith(("zhaoshang", "flows", "warehouse")) for name in imports_of(p))]
    assert wrong == []


def string_constants(path: Path) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_kind_names_stay_in_the_kinds_package() -> None:
    # the bound: each kind's bare name as a literal in at most four files outside transforms/kinds/
    outside = [p for p in product_files() if "kinds" not in p.relative_to(PROJECT).parts]
    per_name = {name: sorted(str(p.relative_to(PROJECT)) for p in outside if name in string_constants(p))
                for name in KIND_NAMES}
    assert {name: files for name, files in per_name.items() if len(files) > 4} == {}


def kind_branches(path: Path) -> list[int]:
    """Lines comparing something called `kind` with a string (kind == "月报", x.kind in ("月报", …))."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        left = node.left
        named_kind = (isinstance(left, ast.Name) and left.id == "kind") or (isinstance(left, ast.Attribute) and left.attr == "kind")
        strings = [c for c in node.comparators if isinstance(c, ast.Constant) and isinstance(c.value, str)
                   or isinstance(c, (ast.Tuple, ast.List, ast.Set)) and all(isinstance(e, ast.Constant) for e in c.elts)]
        if named_kind and strings:
            lines.append(node.lineno)
    return lines


def test_at_most_three_kind_branches_outside_the_kinds_package() -> None:
    branches = {str(p.relative_to(PROJECT)): kind_branches(p) for p in product_files()
                if "kinds" not in p.relative_to(PROJECT).parts}
    assert sum(len(lines) for lines in branches.values()) <= 3, {k: v for k, v in branches.items() if v}
