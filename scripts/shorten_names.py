"""Short names for what a program names only for itself: strip_agent.py's last step.

shorten() writes name_plan.py's plan into the text, token by token, every
other character as it was. check_shortened() checks the output against the
plan: its tree is the input's with the plan applied, no class has two
attributes, nor a function two locals, under one name, and no name is one
the program spells. Whether the plan keeps the meaning, name_plan.py says.
"""

import ast
import io
import tokenize

from name_plan import Program, plan


def renamings(program, attributes, locals_of):
    # [(node, field, new name)]: each place the plan renames.
    places = []
    for fn in ast.walk(program.tree):
        if isinstance(fn, ast.FunctionDef) and id(fn) in locals_of:
            own = locals_of[id(fn)]
            a = fn.args
            params = a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]
            # Its parameters and body: decorators and defaults run outside.
            for n in params + [n for stmt in fn.body for n in ast.walk(stmt)]:
                if isinstance(n, ast.Name) and n.id in own:
                    places.append((n, 'id', own[n.id]))
                elif isinstance(n, ast.arg) and n.arg in own:
                    places.append((n, 'arg', own[n.arg]))
                elif isinstance(n, ast.ExceptHandler) and n.name in own:
                    places.append((n, 'name', own[n.name]))
    for n in ast.walk(program.tree):
        if isinstance(n, ast.Attribute) and n.attr in attributes:
            places.append((n, 'attr', attributes[n.attr]))
    for cls in program.classes.values():
        for stmt in cls.body:
            if isinstance(stmt, ast.FunctionDef) and stmt.name in attributes:
                places.append((stmt, 'name', attributes[stmt.name]))
            elif isinstance(stmt, ast.Assign):
                places.extend((t, 'id', attributes[t.id]) for t in stmt.targets
                              if t.id in attributes)
    # A moved method's function, under the method's name or a name of its
    # own (_h_Agent_data): its def, the statement that sets it and the del
    # take the method's new name, a global for those two statements that no
    # code reads, since the program spells it nowhere.
    for fn, setter, delete, _, attr in program.moved:
        if attr in attributes:
            places.append((fn, 'name', attributes[attr]))
            for n in ast.walk(setter.value):
                if isinstance(n, ast.Name) and n.id == fn.name:
                    places.append((n, 'id', attributes[attr]))
            places.append((delete.targets[0], 'id', attributes[attr]))
    return places


def position(node, field, tokens):
    # Where the token for node's field starts: row, and column in UTF-8
    # bytes (as ast counts them).
    if field == 'attr':
        return node.end_lineno, node.end_col_offset - len(node.attr.encode('utf-8'))
    if field in ('id', 'arg'):
        return node.lineno, node.col_offset
    # A def's name, or an except clause's: the first NAME after the keyword
    # that introduces it.
    word = 'def' if isinstance(node, ast.FunctionDef) else 'as'
    start = (node.lineno, node.col_offset)
    after = False
    for tok, at in tokens:
        if at < start:
            continue
        if after and tok.type == tokenize.NAME:
            return at
        after = tok.type == tokenize.NAME and tok.string == word
    raise ValueError('no name for %s' % ast.dump(node)[:60])


def shorten(text, keep):
    # text with the plan's names in place, and the plan.
    attributes, locals_of, program = plan(text, keep)
    lines = text.split('\n')
    # Each token with where it starts as ast counts: columns in UTF-8 bytes.
    tokens = [(tok, (tok.start[0], len(tok.line[:tok.start[1]].encode('utf-8'))))
              for tok in tokenize.generate_tokens(io.StringIO(text).readline)]
    edits = {}
    for node, field, new in renamings(program, attributes, locals_of):
        edits[position(node, field, tokens)] = (getattr(node, field), new)
    done = 0
    for tok, at in reversed(tokens):  # from the end: columns further left stay valid
        if tok.type == tokenize.NAME and at in edits:
            old, new = edits[at]
            if tok.string != old:
                raise ValueError('%s at %s is not %s' % (tok.string, tok.start, old))
            row, col = tok.start
            lines[row - 1] = lines[row - 1][:col] + new + lines[row - 1][tok.end[1]:]
            done += 1
    if done != len(edits):
        raise ValueError('%d names could not be renamed' % (len(edits) - done))
    return '\n'.join(lines), (attributes, locals_of)


def check_shortened(before, after, keep):
    # None if after is shorten()'s output for before as planned, else what
    # is wrong (the module's docstring says what this proves).
    attributes, locals_of, program = plan(before, keep)
    if program.taken & set(attributes.values()):
        return 'an attribute was given a name the program spells'
    for cls, names in program.owned_by_class().items():
        given = [attributes.get(a, a) for a in names]
        if len(set(given)) != len(given):
            return 'two attributes of one class, %s, have one name' % cls
    for a in program.stored_elsewhere() & set(attributes):
        if list(attributes.values()).count(attributes[a]) != 1:
            return '%s, stored on other objects than self, shares its name' % a
    for own in locals_of.values():
        if len(set(own.values())) != len(own) or program.taken & set(own.values()):
            return 'two locals of one function have one name, or a name the program spells'
    # Read from the output alone: no class gets one name twice.
    result = ast.parse(after)
    for cls in (c for c in result.body if isinstance(c, ast.ClassDef)):
        given = [f.name for f in cls.body if isinstance(f, ast.FunctionDef)]
        given += [t.targets[0].attr for t in result.body if isinstance(t, ast.Assign) and
                  isinstance(t.targets[0], ast.Attribute) and
                  isinstance(t.targets[0].value, ast.Name) and t.targets[0].value.id == cls.name]
        if len(set(given)) != len(given):
            return 'two methods of %s have one name' % cls.name
    for node, field, new in renamings(program, attributes, locals_of):
        setattr(node, field, new)
    if ast.dump(program.tree) != ast.dump(result):
        return 'the renamed text differs from the plan applied to the program'
    return None


def attribute_names(before, attributes, keep):
    # `short: long (Class), ...` a line each: what a board's traceback or
    # AttributeError names, in the program's own words.
    owners = {}
    for name, attributes_of in Program(ast.parse(before), keep).owned_by_class().items():
        for attribute in attributes_of:
            owners.setdefault(attribute, []).append(name)
    meanings = {}
    for attribute, short in attributes.items():
        meanings.setdefault(short, []).append(
            '%s (%s)' % (attribute, ', '.join(sorted(owners.get(attribute, [])))))
    return ''.join('%s: %s\n' % (short, ', '.join(sorted(meanings[short])))
                   for short in sorted(meanings, key=lambda s: (len(s), s)))
