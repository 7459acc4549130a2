#!/usr/bin/env python3
"""Strips a MicroPython source for upload to a board.

  strip_agent.py IN OUT

Comments, docstrings and blank lines go, and each indentation level becomes
one space; every remaining line keeps its code as written. The board compiles
what the host uploads through the raw REPL: fewer bytes upload sooner, and the
plain raw REPL (no raw-paste) holds the whole text in the board's heap while
it compiles (tests/firmware/micropython_vm.mjs prints the figures).

The output must mean what the input means: its syntax tree is checked against
the input's, docstrings aside, and a difference is an error. Line numbers in
the board's tracebacks refer to the output.
"""

import ast
import io
import sys
import tokenize


def docstring_bodies(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and \
                    isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                yield node


def without_docstrings(tree):
    for node in docstring_bodies(tree):
        node.body = node.body[1:] or [ast.Pass()]
    return ast.dump(tree)


def strip(text):
    lines = text.splitlines()
    cut = {}            # row -> column where its comment starts
    verbatim = set()    # rows inside a multi-line string: kept as they are
    starts = {}         # first row of each logical line -> (depth, column)
    depth = 0
    line_start = True
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        kind, (row, col), (end_row, _) = tok.type, tok.start, tok.end
        if kind == tokenize.INDENT:
            depth += 1
        elif kind == tokenize.DEDENT:
            depth -= 1
        elif kind == tokenize.COMMENT:
            cut[row] = col
        elif kind in (tokenize.NEWLINE, tokenize.NL):
            line_start = line_start or kind == tokenize.NEWLINE
        elif kind != tokenize.ENDMARKER:
            if line_start:
                starts[row] = (depth, col)
                line_start = False
            if kind == tokenize.STRING and end_row > row:
                verbatim.update(range(row + 1, end_row + 1))

    drop = set()
    for node in docstring_bodies(ast.parse(text)):
        doc = node.body[0]
        if starts.get(doc.lineno, (0, -1))[1] != doc.col_offset:
            continue  # shares its line with other code: left alone
        drop.update(range(doc.lineno, doc.end_lineno + 1))
        if len(node.body) == 1:  # a body keeps a statement
            drop.discard(doc.lineno)
            lines[doc.lineno - 1] = 'pass'

    out = []
    for row, line in enumerate(lines, 1):
        if row in drop:
            continue
        line = line[:cut[row]] if row in cut else line
        if row in verbatim:  # starts inside a string
            out.append(line.rstrip() if row in cut else line)
            continue
        code = line.strip()
        if code:  # continuation lines need no indentation
            out.append(' ' * starts[row][0] + code if row in starts else code)
    return '\n'.join(out) + '\n'


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding='utf-8') as f:
        text = f.read()
    result = strip(text)
    if without_docstrings(ast.parse(result)) != without_docstrings(ast.parse(text)):
        sys.exit('strip_agent.py: the stripped %s would mean something else' % src)
    with open(dst, 'w', encoding='utf-8') as f:
        f.write(result)


if __name__ == '__main__':
    main()
