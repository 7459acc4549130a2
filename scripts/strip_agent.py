#!/usr/bin/env python3
"""Strips a MicroPython source for upload to a board.

  strip_agent.py IN OUT [--names FILE]

--names writes what each short attribute name stands for (below), to read
a board's traceback by.

Comments, docstrings and blank lines go, and each indentation level becomes
one space; every remaining line keeps its code as written, but for the
names below. The board compiles
what the host uploads through the raw REPL: fewer bytes upload sooner, and the
plain raw REPL (no raw-paste) holds the whole text in the board's heap while
it compiles (tests/firmware/micropython_vm.mjs prints the figures).

Then the methods of a large top-level class (over HOIST_OVER bytes once
stripped) move out of its body, each into a function of its own set on the
class after it, the function's own name deleted again:

  class Agent:              class Agent:
   X = 1                     X = 1
   def pump(self):    ->    def pump(self):
    ...                      ...
                            Agent.pump=pump
                            del pump

Before that, constants fold: a top-level `NAME = 5` (or `A, B = 1, 2`)
whose names nothing else binds goes, and each of its names is replaced by
its value where it is read. A board keeps every global and the name of each
(below), and reads a global by a lookup where a small int is in the
bytecode itself; the agent's 83 protocol numbers cost 2.1 KB of heap as
globals. What folds (foldable() says): an int a board holds as a small int
(31 bits, so not 0xFFFFFFFF), never bound again in any scope, never the name
of an attribute, parameter, keyword or import, never spelled in a string
(getattr), in a module that reads no globals()/vars()/locals()/eval/exec.
A program that reads the agent's globals from outside reads no such
constant. check_folded() puts every name back and compares.

The tools upload the agent in pieces of whole top-level statements, compiled
one after the other (PROTOCOL.md 7.7), and the compile of the largest piece
is the board's peak heap: a class is one statement however large, its
methods apart are many. A method stays in its class where moving it could
change what it means (hoist_problem says why): one that calls super() or
names __class__ (they need the class's cell), one with a name that Python
mangles (__x) anywhere in it, a special method other than __init__ (CPython
and MicroPython look at some when they create the class), one decorated with
anything but staticmethod or classmethod (a property set on a class after
MicroPython created it does not see stores), one whose name the class body
reads or binds twice, one whose defaults read what the class body binds. A
class with decorators or keywords (a metaclass) keeps all its methods.

A moved function keeps its method's name where no scope of the module uses
that name for a variable (variables() says which do), so that nothing can
see the global it is for two statements: the name is already interned for
the attribute, and a board keeps every name it interns (new names cost the
agent's upload 6.4 KB of heap for its 84 moved methods). Otherwise it is
named _h_CLASS_METHOD, a name the module does not use.

Last, shorten_names.py gives the names that the program uses only for
itself (locals, parameters, its classes' attributes) short ones, and keeps
those that its `# strip_agent keeps:` comment lines list, read from IN
before the comments go (name_plan.py says which names qualify).

The output must mean what the input means. The stripped text's syntax tree
is checked against the input's, docstrings aside; then the tree with the
methods moved is put back together (check_hoisted: each moved function back
into its class, in the class's order) and must be the stripped text's tree
exactly, every moved method allowed by hoist_problem, every helper's name
free (above) and used only to set the method. A difference is an error.
Line numbers in the board's tracebacks refer to the output.
"""

import argparse
import ast
import io
import re
import sys
import tokenize

from name_plan import dynamic, evaluated_at_def, identifiers, identifiers_of, kept_names
from shorten_names import attribute_names, check_shortened, shorten

# A class whose statement, stripped, is longer than this has its methods
# moved out (the tools cut pieces of at most 1 024 bytes).
HOIST_OVER = 1024
PREFIX = '_h_'
# Decorators a moved method may carry, applied as calls when it is set.
WRAPPERS = ('staticmethod', 'classmethod')
# Read in a class body, these could see any name the body binds.
INTROSPECTION = ('locals', 'vars', 'exec', 'eval')


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


def layout(text):
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
    return cut, verbatim, starts


def strip(text):
    lines = text.splitlines()
    cut, verbatim, starts = layout(text)

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


# Folding constants. In a module that reaches its globals by name at run
# time (dynamic()), neither a folded constant nor a moved method's own name
# is safe.

def small_int(expr):
    # The value of an int literal, or of a negated one, that a board holds
    # in a small int (31 bits), else None.
    sign = 1
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        sign, expr = -1, expr.operand
    if not (isinstance(expr, ast.Constant) and type(expr.value) is int):
        return None
    value = sign * expr.value
    return value if -2**30 <= value < 2**30 else None


def definitions(stmt):
    # [(name, value)] for `NAME = int` or `A, B = int, int`, else [].
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return []
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, ast.Name):
        targets, values = [target], [value]
    elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and \
            len(target.elts) == len(value.elts):
        targets, values = target.elts, value.elts
    else:
        return []
    pairs = [(t.id if isinstance(t, ast.Name) else None, small_int(v))
             for t, v in zip(targets, values)]
    return [] if any(n is None or v is None for n, v in pairs) else pairs


def alone(stmt, lines):
    # Whether stmt has its rows to itself (no `;` joins another to it).
    try:
        return len(ast.parse('\n'.join(lines[stmt.lineno - 1:stmt.end_lineno])).body) == 1
    except SyntaxError:
        return False


def foldable(tree, lines):
    # {name: value} to fold, and the top-level statements that define them.
    if dynamic(tree):
        return {}, []
    stores, other, spelled, first_read = {}, set(), set(), {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Name):
            if not isinstance(n.ctx, ast.Load):
                stores[n.id] = stores.get(n.id, 0) + 1
            else:
                first_read[n.id] = min(first_read.get(n.id, n.lineno), n.lineno)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            spelled.add(n.value)
        elif isinstance(n, ast.JoinedStr):  # an f-string: one token up to 3.11
            other.update(m.id for m in ast.walk(n) if isinstance(m, ast.Name))
        else:
            other.update(identifiers_of(n))
    values, stmts = {}, []
    for stmt in tree.body:
        pairs = definitions(stmt)
        # Read only below its definition, a name is bound whenever it is
        # read: whatever reads it is defined, or runs, after it.
        if pairs and alone(stmt, lines) and all(
                stores[name] == 1 and name not in other and name not in spelled and
                first_read.get(name, stmt.end_lineno + 1) > stmt.end_lineno
                for name, _ in pairs):
            values.update(pairs)
            stmts.append(stmt)
    return values, stmts


def fold(text):
    # text is strip()'s output; returns it with its constants folded, and
    # what they were.
    tree = ast.parse(text)
    lines = text.split('\n')
    values, stmts = foldable(tree, lines)
    gone = set(r for stmt in stmts for r in range(stmt.lineno, stmt.end_lineno + 1))
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    for i in reversed(range(len(tokens))):  # from the end: columns further left stay valid
        tok = tokens[i]
        row, col = tok.start
        if tok.type == tokenize.NAME and tok.string in values and row not in gone:
            value = values[tok.string]
            # In brackets where a sign or a `.` (5.bit_length()) would read otherwise.
            bare = value >= 0 and tokens[i + 1].string != '.'
            line = lines[row - 1]
            lines[row - 1] = line[:col] + (str(value) if bare else '(%d)' % value) + \
                line[tok.end[1]:]
    return '\n'.join(line for r, line in enumerate(lines, 1) if r not in gone), values


class Unfolded(ast.NodeTransformer):
    # The tree as it reads with the folded names back in it.
    def __init__(self, values):
        self.values = values

    def visit_Name(self, node):
        if node.id not in self.values or not isinstance(node.ctx, ast.Load):
            return node
        value = self.values[node.id]
        if value < 0:
            return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
        return ast.Constant(value=value)


def check_folded(before, after, values):
    # None if after (fold()'s output) means what before means, else what is
    # wrong.
    old, new = ast.parse(before), ast.parse(after)
    lines = before.split('\n')
    if foldable(old, lines)[0] != values:
        return 'it folded other names than foldable() allows'
    old.body = [s for s in old.body if not (definitions(s) and
                                            all(n in values for n, _ in definitions(s)))]
    if ast.dump(Unfolded(values).visit(old)) != ast.dump(new):
        return 'the folded text differs from the stripped text with its constants read in place'
    return None


# Moving methods out of large classes.

def is_private(name):
    # A name Python mangles inside a class body.
    return name.startswith('__') and not name.endswith('__')


def is_special(name):
    return len(name) > 4 and name.startswith('__') and name.endswith('__')


def variables(tree):
    # Every name some scope of tree may read or bind as a variable (a local
    # too, more than needed), the names of methods aside; in a module that
    # reaches its globals by name (dynamic()), every name it spells.
    if dynamic(tree):
        return set(identifiers(tree))
    methods = set(id(f) for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                  for f in c.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
    names = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.Attribute, ast.keyword)) or id(n) in methods:
            continue
        names.update(identifiers_of(n))
    return names


def class_scope(cls):
    # What the class body binds (name -> how often) and reads in its own
    # scope; a nested def counts by its name and what runs with it.
    bound, read = {}, set()

    def bind(name):
        bound[name] = bound.get(name, 0) + 1

    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bind(stmt.name)
            parts = evaluated_at_def(stmt)
        else:
            parts = [stmt]  # all of it, nested scopes too: more than it needs
        for part in parts:
            for n in ast.walk(part):
                if isinstance(n, ast.Name):
                    if isinstance(n.ctx, ast.Load):
                        read.add(n.id)
                    else:
                        bind(n.id)
                elif isinstance(n, ast.alias):
                    bind(n.asname or n.name.split('.')[0])
                elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    bind(n.name)
                elif isinstance(n, ast.ExceptHandler) and n.name:
                    bind(n.name)
                elif isinstance(n, (ast.Global, ast.Nonlocal)):
                    for name in n.names:
                        bind(name)
    return bound, read


def is_simple(expr):
    # A default whose value does not depend on when it is evaluated, given
    # that the names it reads are not bound by the class body.
    if isinstance(expr, (ast.Constant, ast.Name)):
        return True
    if isinstance(expr, ast.Attribute):
        return is_simple(expr.value)
    if isinstance(expr, ast.UnaryOp):
        return isinstance(expr.operand, ast.Constant)
    if isinstance(expr, ast.Tuple):
        return all(is_simple(e) for e in expr.elts)
    return False


def hoist_problem(cls, fn, scope):
    # Why the method fn of the top-level class cls must stay in it, or None.
    bound, read = scope
    if not isinstance(fn, ast.FunctionDef):
        return 'not a plain def'
    if is_special(fn.name) and fn.name != '__init__':
        return 'a special method'
    if bound.get(fn.name, 0) != 1:
        return 'its name is bound twice in the class body'
    if fn.name in read:
        return 'the class body reads its name'
    if read.intersection(INTROSPECTION):
        return 'the class body looks at its own namespace'
    if any(not (isinstance(d, ast.Name) and d.id in WRAPPERS) for d in fn.decorator_list):
        return 'decorated with something other than %s' % ' or '.join(WRAPPERS)
    at_def = evaluated_at_def(fn)
    if not all(is_simple(p) for p in at_def):
        return 'a default or annotation that is not a plain value'
    names = set(n.id for p in at_def for n in ast.walk(p) if isinstance(n, ast.Name))
    if names & set(bound) or cls.name in names:
        return 'a default or decorator reads a name the class binds'
    used = set(identifiers(fn))
    if 'super' in used or '__class__' in used:
        return 'it needs the class cell (super() or __class__)'
    if any(is_private(name) for name in used):
        return 'a name Python would mangle'
    return None


def hoistable_class(cls):
    return isinstance(cls, ast.ClassDef) and not cls.decorator_list and not cls.keywords


def hoist(text, over=HOIST_OVER):
    # text is strip()'s output: each logical line is its depth in spaces,
    # then code; continuation lines have no indentation.
    tree = ast.parse(text)
    lines = text.split('\n')  # the last is empty
    _, _, starts = layout(text)
    taken = set(tok.string for tok in tokenize.generate_tokens(io.StringIO(text).readline)
                if tok.type == tokenize.NAME)
    free_of = variables(tree)
    out = []
    row = 1  # the next input row to copy
    for cls in tree.body:
        if not hoistable_class(cls):
            continue
        size = len('\n'.join(lines[cls.lineno - 1:cls.end_lineno]).encode('utf-8'))
        if size <= over:
            continue
        scope = class_scope(cls)
        moved = [fn for fn in cls.body if hoist_problem(cls, fn, scope) is None]
        if not moved:
            continue
        out.extend(lines[row - 1:cls.lineno - 1])
        gone = set()
        tail = []
        for fn in moved:
            first = min([fn.lineno] + [d.lineno for d in fn.decorator_list])
            assert starts.get(first, (0,))[0] == 1, (cls.name, fn.name)
            gone.update(range(first, fn.end_lineno + 1))
            helper = fn.name
            if helper in free_of:
                helper = PREFIX + cls.name + '_' + fn.name
                while helper in taken:
                    helper += '_'
                taken.add(helper)
            for r in range(fn.lineno, fn.end_lineno + 1):
                line = lines[r - 1]
                if r in starts:  # one level less
                    assert starts[r][0] >= 1 and line.startswith(' '), (cls.name, fn.name, r)
                    line = line[1:]
                if r == fn.lineno:
                    head = re.match(r'def\s+' + re.escape(fn.name) + r'\b', line)
                    assert head, (cls.name, fn.name, line)
                    line = 'def ' + helper + line[head.end():]
                tail.append(line)
            value = helper
            for d in reversed(fn.decorator_list):
                value = '%s(%s)' % (d.id, value)
            tail.append('%s.%s=%s' % (cls.name, fn.name, value))
            tail.append('del ' + helper)
        kept = [r for r in range(cls.lineno, cls.end_lineno + 1) if r not in gone]
        out.extend(lines[r - 1] for r in kept)
        if len(moved) == len(cls.body):
            out.append(' pass')  # a class body keeps a statement
        out.extend(tail)
        row = cls.end_lineno + 1
    out.extend(lines[row - 1:])
    return '\n'.join(out)


def moved_method(cls_name, stmts):
    # The helper's def, made the method again, if stmts start with the
    # three statements hoist() writes for one method of cls_name.
    if len(stmts) < 3:
        return None
    fn, setter, delete = stmts[:3]
    if not (isinstance(fn, ast.FunctionDef) and not fn.decorator_list):
        return None
    if not (isinstance(setter, ast.Assign) and len(setter.targets) == 1):
        return None
    target = setter.targets[0]
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and
            target.value.id == cls_name):
        return None
    if fn.name != target.attr and not fn.name.startswith(PREFIX + cls_name + '_'):
        return None
    decorators, value = [], setter.value
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and \
            value.func.id in WRAPPERS and len(value.args) == 1 and not value.keywords:
        decorators.append(value.func)
        value = value.args[0]
    if not (isinstance(value, ast.Name) and value.id == fn.name):
        return None
    if not (isinstance(delete, ast.Delete) and len(delete.targets) == 1 and
            isinstance(delete.targets[0], ast.Name) and delete.targets[0].id == fn.name):
        return None
    for d in decorators:
        d.ctx = ast.Load()
    helper = fn.name
    fn.name = target.attr
    fn.decorator_list = decorators
    return helper, fn


def check_hoisted(before, after):
    # None if after (hoist()'s output) means what before (its input) means,
    # else what is wrong.
    old, new = ast.parse(before), ast.parse(after)
    taken = set(tok.string for tok in tokenize.generate_tokens(io.StringIO(before).readline)
                if tok.type == tokenize.NAME)
    helpers = []
    body = []
    stmts = new.body
    i = 0
    while i < len(stmts):
        node = stmts[i]
        i += 1
        body.append(node)
        if not isinstance(node, ast.ClassDef):
            continue
        moved = []
        while True:
            found = moved_method(node.name, stmts[i:])
            if found is None:
                break
            helpers.append(found[0])
            moved.append(found[1])
            i += 3
        if not moved:
            continue
        k = len(body) - 1
        if not (k < len(old.body) and isinstance(old.body[k], ast.ClassDef) and
                old.body[k].name == node.name and hoistable_class(old.body[k])):
            return 'methods set on %s, which is no class that may lose its methods' % node.name
        cls = old.body[k]
        scope = class_scope(cls)
        rest = node.body
        if len(rest) == 1 and isinstance(rest[0], ast.Pass) and len(moved) == len(cls.body):
            rest = []
        # Back in the class's order: a moved method where its def was.
        merged = []
        for stmt in cls.body:
            if moved and isinstance(stmt, ast.FunctionDef) and stmt.name == moved[0].name:
                problem = hoist_problem(cls, stmt, scope)
                if problem:
                    return '%s.%s was moved out of its class: %s' % (cls.name, stmt.name, problem)
                merged.append(moved.pop(0))
            elif rest:
                merged.append(rest.pop(0))
        node.body = merged + rest + moved
    new.body = body
    own = [h for h in helpers if h.startswith(PREFIX)]
    if len(set(own)) != len(own) or taken.intersection(own) or \
            variables(old).intersection(helpers):
        return 'a moved method\'s function has a name the module uses'
    for n in ast.walk(new):
        if isinstance(n, ast.Name) and n.id in helpers:
            return 'the name %s stays in use' % n.id
    if ast.dump(new) != ast.dump(old):
        return 'the classes put back together differ from the stripped text'
    return None


def main():
    args = argparse.ArgumentParser(description='Strips a MicroPython source for upload.')
    args.add_argument('src', metavar='IN')
    args.add_argument('dst', metavar='OUT')
    args.add_argument('--names', metavar='FILE', help='what each short attribute name stands for')
    options = args.parse_args()
    src, dst = options.src, options.dst
    with open(src, encoding='utf-8') as f:
        text = f.read()
    stripped = strip(text)
    if without_docstrings(ast.parse(stripped)) != without_docstrings(ast.parse(text)):
        sys.exit('strip_agent.py: the stripped %s would mean something else' % src)
    folded, values = fold(stripped)
    problem = check_folded(stripped, folded, values)
    if problem:
        sys.exit('strip_agent.py: with its constants folded, %s would mean something else: %s'
                 % (src, problem))
    result = hoist(folded)
    problem = check_hoisted(folded, result)
    if problem:
        sys.exit('strip_agent.py: with methods moved out of their classes, %s would mean '
                 'something else: %s' % (src, problem))
    keep = kept_names(text)
    short, (attributes, _) = shorten(result, keep)
    problem = check_shortened(result, short, keep)
    if problem:
        sys.exit('strip_agent.py: with shorter names, %s would mean something else: %s'
                 % (src, problem))
    with open(dst, 'w', encoding='utf-8') as f:
        f.write(short)
    if options.names:
        with open(options.names, 'w', encoding='utf-8') as f:
            f.write(attribute_names(result, attributes, keep))


if __name__ == '__main__':
    main()
