"""Which names of a program can be shorter, and the short names: shorten_names.py's plan.

A board keeps every name it meets for good, in pools that double as they
fill (20, 40, ... 320 names): compiling source it meets every identifier,
locals too; loading a .mpy, the names of attributes, globals, parameters.
The agent's 440 names took 8 KB of an uploaded agent's heap, and one more
pool of 320 (2.3 KB) than 300 names need. Two kinds of name get short ones
(a, b, ... then aa, ab, ...), never a name the program spells:

- a function's local variables and parameters, the same few names in every
  function. A parameter keeps its name where a call in the module names it
  as a keyword or a string spells it (f(**{'limit': 3})), and those of a
  kept function (below) keep theirs: their callers are outside the module.
  A function with a def or lambda inside keeps its locals;
- the attributes that the module's top-level classes own: their methods,
  class attributes, and what their methods store on self. Two attributes
  of one class never share a name. Attributes of different classes do,
  where each is only ever stored on its own class's self: an attribute
  also stored on something else (sk.held = x) gets a name no other
  attribute has, so that whatever object receives it, it meets no other.

An attribute keeps its name where something outside may reach it: a name
of Python's own types and modules (the ports' methods are io's), of
MicroPython's (MICROPYTHON below: a board's objects have more), one read
through a module (sys.implementation.X), one spelled in a string
(getattr), a special name, one read in a try that catches AttributeError,
one a class body reads as a variable, and the names the program lists on
comment lines that begin `# strip_agent keeps:` (what tests and the host
reach in it).

Nothing is renamed in a program that reaches its names at run time
(dynamic(): globals(), vars(), __dict__ ...), no attribute in one that
reaches attributes by a computed name (getattr and the like, other than on
an imported module), has a class that is not at the top level or derives
from another of the module's, or a class body with more than defs and
plain assignments; no name inside an f-string.

What the program must keep to, which no check here can see: a method's
first parameter is an instance of its class (a class's methods are not
called on other objects).

That the plan keeps the meaning rests on the rules above: shorten_names.py
checks that its output is the plan, and the tests run the shortened agent
end to end, on CPython and on MicroPython's VM.

A board's tracebacks and AttributeErrors name the short names: run the
agent's source under CPython to read them.
"""

import ast
import builtins
import io
import itertools
import keyword
import os
import re
import select
import socket
import string
import symtable
import sys

KEEP_LINE = re.compile(r'^#\s*strip_agent keeps:(.*)$', re.M)

# Read, these could look up or bind a global by a name held in a string.
DYNAMIC = ('globals', 'vars', 'locals', 'dir', 'eval', 'exec')
ATTRIBUTE_BY_NAME = ('getattr', 'setattr', 'hasattr', 'delattr')
COMPREHENSIONS = ('listcomp', 'setcomp', 'dictcomp', 'genexpr')
# Methods of a board's objects that CPython's lack: machine.UART, the
# poll object, MicroPython's streams and sockets.
MICROPYTHON = ('any', 'deinit', 'init', 'irq', 'sendbreak', 'txdone', 'flush', 'ipoll',
               'readinto', 'readline', 'settimeout', 'setblocking', 'makefile', 'modify')


def dynamic(tree):
    # Whether the module may reach its globals by name at run time.
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and n.id in DYNAMIC:
            return True
        if isinstance(n, ast.Attribute) and n.attr == '__dict__':
            return True
        if isinstance(n, ast.ImportFrom) and any(a.name == '*' for a in n.names):
            return True
    return False


def kept_names(text):
    # The names a program's `# strip_agent keeps:` lines list.
    return set(name for line in KEEP_LINE.findall(text) for name in line.split())


def foreign_attributes():
    # Attributes of what a program gets from Python itself: its types, and
    # the objects of the modules the agent uses.
    found = set(dir(builtins)) | set(MICROPYTHON)
    samples = [bytes, bytearray, memoryview, str, list, dict, tuple, set, int, float,
               BaseException, OSError, object, type, io.BufferedReader, io.BufferedWriter,
               io.TextIOWrapper, io.FileIO, socket.socket, sys, os, sys.implementation,
               socket, select]
    if hasattr(select, 'poll'):
        samples.append(select.poll())
    if hasattr(os, 'uname'):
        samples.append(os.uname())
    for sample in samples:
        found.update(dir(sample))
    return found


def short_names(taken):
    # a, b, ... z, aa, ab, ...: none of them a name the program spells.
    for size in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=size):
            name = ''.join(letters)
            if name not in taken and not keyword.iskeyword(name):
                yield name


def identifiers(node):
    # Every identifier in a subtree: names, attributes, parameters, keywords.
    for n in ast.walk(node):
        yield from identifiers_of(n)


def identifiers_of(n):
    # The identifiers one node spells itself, not those of its children.
    if isinstance(n, ast.Name):
        yield n.id
    elif isinstance(n, ast.Attribute):
        yield n.attr
    elif isinstance(n, ast.arg):
        yield n.arg
    elif isinstance(n, ast.keyword) and n.arg:
        yield n.arg
    elif isinstance(n, ast.alias):
        yield from n.name.split('.')
        if n.asname:
            yield n.asname
    elif isinstance(n, ast.ImportFrom) and n.module:
        yield from n.module.split('.')
    elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield n.name
    elif isinstance(n, ast.ExceptHandler) and n.name:
        yield n.name
    elif isinstance(n, (ast.Global, ast.Nonlocal)):
        yield from n.names


def spelled(tree):
    # Every identifier and string the program holds.
    return set(identifiers(tree)) | strings(tree)


def in_fstrings(node):
    return set(n.id if isinstance(n, ast.Name) else n.attr for j in ast.walk(node)
               if isinstance(j, ast.JoinedStr) for n in ast.walk(j)
               if isinstance(n, (ast.Name, ast.Attribute)))


def strings(tree):
    return set(n.value for n in ast.walk(tree)
               if isinstance(n, ast.Constant) and isinstance(n.value, str))


def evaluated_at_def(fn):
    # The parts of a def that run where the def statement runs.
    a = fn.args
    parts = list(fn.decorator_list) + list(a.defaults) + [d for d in a.kw_defaults if d is not None]
    params = getattr(a, 'posonlyargs', []) + a.args + a.kwonlyargs + \
        [p for p in (a.vararg, a.kwarg) if p is not None]
    parts += [p.annotation for p in params if p.annotation is not None]
    return parts + ([fn.returns] if fn.returns is not None else [])


def plain_class(cls):
    # A body of defs and `NAME = value` (and its docstring, a pass).
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign):
            if not all(isinstance(t, ast.Name) for t in stmt.targets):
                return False
        elif not isinstance(stmt, (ast.FunctionDef, ast.Pass, ast.Expr)):
            return False
    return True


class Program:
    # The module's functions, classes and imports, as the plan needs them.
    def __init__(self, tree, keep):
        self.tree = tree
        self.keep = keep
        # What no short name may be.
        self.taken = spelled(tree) | set(dir(builtins)) | keep
        self.classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}
        self.modules = set(a.asname or a.name.split('.')[0] for n in ast.walk(tree)
                           if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names)
        self.keywords = set(k.arg for n in ast.walk(tree) if isinstance(n, ast.Call)
                            for k in n.keywords if k.arg)
        # The methods moved out of their classes (strip_agent.hoist): each
        # def, the statement that sets it on its class, the del after it.
        self.moved = []
        body = tree.body
        for fn, setter, delete in zip(body, body[1:], body[2:]):
            if not (isinstance(fn, ast.FunctionDef) and isinstance(setter, ast.Assign) and
                    len(setter.targets) == 1 and isinstance(delete, ast.Delete) and
                    len(delete.targets) == 1 and isinstance(delete.targets[0], ast.Name) and
                    delete.targets[0].id == fn.name):
                continue
            target, value = setter.targets[0], setter.value
            while isinstance(value, ast.Call) and len(value.args) == 1:
                value = value.args[0]
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and \
                    target.value.id in self.classes and isinstance(value, ast.Name) and \
                    value.id == fn.name:
                self.moved.append((fn, setter, delete, target.value.id, target.attr))
        self.setters = set(id(setter.targets[0]) for _, setter, _, _, _ in self.moved)
        # Moved with its decorator (staticmethod(f)): no self to store on.
        self.decorated = set(id(fn) for fn, setter, _, _, _ in self.moved
                             if isinstance(setter.value, ast.Call))

    def methods(self, cls):
        for stmt in cls.body:
            if isinstance(stmt, ast.FunctionDef):
                yield stmt
        for fn, _, _, owner, _ in self.moved:
            if owner == cls.name:
                yield fn

    def owned(self, cls):
        # The attributes cls creates: its body's names, and self.X its methods store.
        names = set()
        for stmt in cls.body:
            if isinstance(stmt, ast.FunctionDef):
                names.add(stmt.name)
            elif isinstance(stmt, ast.Assign):
                names.update(t.id for t in stmt.targets)
        names.update(attr for _, _, _, owner, attr in self.moved if owner == cls.name)
        for fn in self.methods(cls):
            for n in ast.walk(fn):
                if self.on_self(fn, n) and not isinstance(n.ctx, ast.Load):
                    names.add(n.attr)
        return names

    def owned_by_class(self):
        return {name: self.owned(cls) for name, cls in self.classes.items()}

    def on_self(self, fn, n):
        # Whether n is self.X in the method fn (not a static or class one).
        return isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and \
            bool(fn.args.args) and not fn.decorator_list and id(fn) not in self.decorated and \
            n.value.id == fn.args.args[0].arg

    def stored_elsewhere(self):
        # Attributes stored on something other than a method's own self.
        on_self = set(id(n) for cls in self.classes.values() for fn in self.methods(cls)
                      for n in ast.walk(fn) if self.on_self(fn, n))
        return set(n.attr for n in ast.walk(self.tree)
                   if isinstance(n, ast.Attribute) and not isinstance(n.ctx, ast.Load) and
                   id(n) not in on_self and id(n) not in self.setters)

    def renames_attributes(self):
        # Whether the program's attributes can be renamed at all (above).
        for n in ast.walk(self.tree):
            if isinstance(n, ast.ClassDef) and self.classes.get(n.name) is not n:
                return False  # not at the top level
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and \
                    n.func.id in ATTRIBUTE_BY_NAME and len(n.args) >= 2:
                on_module = isinstance(n.args[0], ast.Name) and n.args[0].id in self.modules
                if not isinstance(n.args[1], ast.Constant) and not on_module:
                    return False
        return all(plain_class(c) and not any(isinstance(b, ast.Name) and b.id in self.classes
                                              for b in c.bases)
                   for c in self.classes.values())

    def from_module(self, attribute):
        # Whether attribute reads through a module: os.X, sys.implementation.X.
        base = attribute.value
        while isinstance(base, ast.Attribute):
            base = base.value
        return isinstance(base, ast.Name) and base.id in self.modules

    def protected(self):
        # Attributes that keep their names: something outside may reach them.
        names = foreign_attributes() | self.keep | strings(self.tree) | in_fstrings(self.tree)
        for n in ast.walk(self.tree):
            if isinstance(n, ast.Attribute) and (n.attr.startswith('__') or self.from_module(n)):
                names.add(n.attr)
            elif isinstance(n, ast.Try) and any(
                    isinstance(t, ast.Name) and t.id == 'AttributeError'
                    for h in n.handlers if h.type is not None for t in ast.walk(h.type)):
                names.update(a.attr for s in n.body for a in ast.walk(s)
                             if isinstance(a, ast.Attribute))
        for cls in self.classes.values():  # what a class body reads as a variable
            parts = [s for s in cls.body if not isinstance(s, ast.FunctionDef)]
            parts += [p for s in cls.body if isinstance(s, ast.FunctionDef)
                      for p in evaluated_at_def(s)]
            names.update(n.id for p in parts for n in ast.walk(p)
                         if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
        return names


def attribute_plan(program):
    # {attribute: short name}.
    if not program.renames_attributes():
        return {}
    owned = program.owned_by_class()
    renamed = set(a for names in owned.values() for a in names) - program.protected()
    alone = program.stored_elsewhere() & renamed
    together = {a: set() for a in renamed}  # what a must not share a name with
    for names in owned.values():
        for a in names & renamed:
            together[a] |= names - {a}
    for a in alone:
        together[a] = renamed - {a}
        for b in renamed - {a}:
            together[b].add(a)
    plan = {}
    for a in sorted(renamed, key=lambda a: (-len(together[a]), a)):
        used = set(plan[b] for b in together[a] if b in plan)
        plan[a] = next(s for s in short_names(program.taken) if s not in used)
    return plan


def scopes_of(table):
    yield table
    for child in table.get_children():
        yield from scopes_of(child)


def local_plans(program, text):
    # {id(FunctionDef): {local: short name}}: for each function, its locals
    # and parameters (those above aside).
    by_place = {}
    for table in scopes_of(symtable.symtable(text, '<agent>', 'exec')):
        if table.get_type() == 'function':
            by_place.setdefault((table.get_name(), table.get_lineno()), table)
    spelled_in_strings = strings(program.tree)
    plans = {}
    for fn in ast.walk(program.tree):
        if not isinstance(fn, ast.FunctionDef):
            continue
        table = by_place.get((fn.name, fn.lineno))
        nested = list(scopes_of(table))[1:] if table else []
        if table is None or any(t.get_name() not in COMPREHENSIONS for t in nested):
            continue
        a = fn.args
        params = set(p.arg for p in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]
                     if p is not None)
        outer = set()
        names = set()
        for t in [table] + nested:
            for s in t.get_symbols():
                if s.is_global() or s.is_declared_global() or s.is_free() or s.is_nonlocal() or \
                        s.is_imported():
                    outer.add(s.get_name())
                elif s.is_local() or s.is_parameter():
                    names.add(s.get_name())
        names -= outer | in_fstrings(fn) | {'.0', 'self'}
        if fn.name in program.keep:
            names -= params
        names -= params & (program.keywords | spelled_in_strings)
        pool = short_names(program.taken)
        plans[id(fn)] = {name: next(pool) for name in sorted(names)}
    return plans


def plan(text, keep):
    # What to rename: (attribute plan, local plans by function id, Program).
    program = Program(ast.parse(text), keep)
    if dynamic(program.tree):
        return {}, {}, program
    return attribute_plan(program), local_plans(program, text), program
