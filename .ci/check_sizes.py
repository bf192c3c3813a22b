#!/usr/bin/env python3
"""Size limits of CONVENTIONS.md for shopify_roi/: no module over 300 lines, no function over 60.

A function's length is `end_lineno - lineno + 1` from `ast` (its docstring and nested functions
included; a decorator's lines not); a module's is its line count. Exits 1 listing every module and
function over its limit; otherwise prints the largest ones, to show how close they are.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "shopify_roi"
MODULE_MAX, FUNCTION_MAX = 300, 60
SHOWN = 5


def sizes(package: Path) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(lines, module path) for every module and (lines, path:line name) for every function."""
    modules, functions = [], []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        modules.append((len(text.splitlines()), name))
        for node in ast.walk(ast.parse(text, filename=name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append((node.end_lineno - node.lineno + 1, f"{name}:{node.lineno} {node.name}"))
    return modules, functions


def main() -> int:
    modules, functions = sizes(PACKAGE)
    over = ((modules, MODULE_MAX), (functions, FUNCTION_MAX))
    too_long = [
        (n, where, limit) for rows, limit in over for n, where in sorted(rows, reverse=True) if n > limit
    ]
    if too_long:
        print(f"over the size limits (modules {MODULE_MAX} lines, functions {FUNCTION_MAX}):")
        for lines, where, limit in too_long:
            print(f"  {lines:5d} > {limit:3d}  {where}")
        return 1
    print(f"sizes ok: {len(modules)} modules, {len(functions)} functions, none over its limit")
    for label, rows in (("modules", modules), ("functions", functions)):
        print(f"largest {label}:")
        for lines, where in sorted(rows, reverse=True)[:SHOWN]:
            print(f"  {lines:5d}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
