#!/usr/bin/env python3
"""Checks that a MicroPython source keeps to what MicroPython 1.20 runs.

  micropython_compat.py FILE

The agent is tested under CPython, which accepts much that a board does not:
this finds those constructs in the syntax tree, prints each as
FILE:LINE: what, and exits 1 if there is any. It does not prove the file runs
on a board; it keeps the known traps out.
"""

import ast
import sys

# Modules MicroPython does not have, or has only in micropython-lib.
MISSING_MODULES = {"dataclasses", "typing", "enum", "abc", "functools", "itertools",
                   "collections", "contextlib", "asyncio", "threading", "logging"}
# Imported only where the file runs under CPython (the --pty and stdio paths).
CPYTHON_ONLY = {"termios", "tty"}


def problems(tree):
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.JoinedStr):
            yield line, "f-string (MicroPython's are partial; use % formatting)"
        elif isinstance(node, ast.NamedExpr):
            yield line, "assignment expression (:=)"
        elif type(node).__name__ == "Match":
            yield line, "match statement"
        elif isinstance(node, ast.AnnAssign):
            yield line, "annotated assignment"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
            if node.returns is not None or any(a.annotation is not None for a in every):
                yield line, "type hints on " + node.name
            if arguments.posonlyargs or arguments.kwonlyargs:
                yield line, "positional-only or keyword-only parameters on " + node.name
        elif isinstance(node, (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith)):
            yield line, "async code"
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                top = (name or "").split(".")[0]
                if top in MISSING_MODULES:
                    yield line, "import of " + top + ", which MicroPython lacks"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in ("to_bytes", "from_bytes") and node.keywords:
                yield line, method + " with keyword arguments (MicroPython takes them positionally)"
            elif method == "cast":
                yield line, "memoryview.cast"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "print":
                yield line, "print() (diagnostics go to the host as LOG messages)"


def cpython_only_imports_are_local(tree):
    # termios and tty exist only on the CPython paths: imported inside the
    # functions that run there, never at module level.
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in CPYTHON_ONLY:
                    yield node.lineno, "module-level import of " + alias.name


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8") as source:
        text = source.read()
    tree = ast.parse(text, path)
    found = sorted(set(problems(tree)) | set(cpython_only_imports_are_local(tree)))
    # main() prints the pty's path on CPython: the one print the protocol allows.
    mains = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    allowed = {n.lineno for m in mains for n in ast.walk(m) if isinstance(n, ast.Call)}
    found = [(line, what) for line, what in found
             if not (what.startswith("print()") and line in allowed)]
    for line, what in found:
        print("%s:%d: %s" % (path, line, what))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
