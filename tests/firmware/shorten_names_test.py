# scripts/shorten_names.py on small programs: which names get short ones
# and which must keep theirs, its refusals, and check_shortened() refusing
# an output that means something else. Each program also runs, before and
# after, to the same result.
#
#   python3 shorten_names_test.py SCRIPTS_DIR

import ast
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, sys.argv[1])
import name_plan  # noqa: E402
import shorten_names  # noqa: E402
import strip_agent  # noqa: E402
from program_checks import expect, finish, result_of  # noqa: E402


def shortened(program, over=10**6):
    # The program as the tools upload it: stripped, folded, hoisted (classes
    # over `over` bytes), then its names shortened and checked.
    text = strip_agent.hoist(strip_agent.fold(strip_agent.strip(program))[0], over)
    keep = name_plan.kept_names(program)
    out, plan = shorten_names.shorten(text, keep)
    problem = shorten_names.check_shortened(text, out, keep)
    expect('check_shortened accepts what shorten wrote (%s)' % problem, problem is None)
    return out, plan


def identifiers(text):
    return name_plan.spelled(ast.parse(text))


LOCALS = '''
# strip_agent keeps: main


def total(numbers, start=0):
    running_sum = start
    for number in numbers:
        running_sum += number
    squares = [n * n for n in numbers]
    try:
        raise ValueError(running_sum)
    except ValueError as problem:
        return problem.args[0] + sum(squares)


def main(verbose=False, limit=3):
    return limit


def run():
    return total([1, 2, 3], start=4), total([1]), main(limit=5)
'''

out, _ = shortened(LOCALS)
names = identifiers(out)
expect('locals, a loop variable, a comprehension\'s, an except clause\'s get short names',
       not names & {'running_sum', 'number', 'squares', 'problem', 'n', 'numbers'})
expect('a parameter named by a keyword, and those of a kept function, keep their names',
       {'start', 'verbose', 'limit', 'total', 'main'} <= names)
expect('the program computes what it did', result_of(out) == result_of(LOCALS) == (24, 2, 5))

ATTRIBUTES = '''
import os

# strip_agent keeps: reached


class Link:
    def __init__(self, port):
        self.port = port
        self.window = 4
        self.sep = 'link'
        self.reached = 1

    def write(self, data):
        return self.port.write(data) + self.window

    def pending(self):
        return self.window * 2


class Agent:
    limit = 7

    def __init__(self):
        self.link = Link(Port())
        self.ready = hasattr(self, 'ready')

    def pending(self):
        return self.link.pending() + self.limit


class Port:
    def write(self, data):
        return len(data)


def run():
    agent = Agent()
    return (agent.pending(), agent.link.write(b'ab'), agent.link.sep, os.sep,
            agent.link.reached, agent.ready)
'''

out, (attributes, _) = shortened(ATTRIBUTES)
expect('attributes of different classes share short names',
       len(set(attributes.values())) < len(attributes) and
       not identifiers(out) & {'window', 'pending', 'limit', 'port'})
expect('a name of Python\'s, one read from a module, one in a string, a kept one stay',
       {'write', 'sep', 'ready', 'reached'} <= identifiers(out) and
       not {'write', 'sep', 'ready', 'reached'} & set(attributes))
expect('the program computes what it did',
       result_of(out) == result_of(ATTRIBUTES) == (15, 6, 'link', '/', 1, False))

# Methods of two classes moved out of them under one name: each class's
# own, each renamed with its class's attributes.
out, (attributes, _) = shortened(ATTRIBUTES.replace('pending', 'end'), over=10)
expect('methods moved out of two classes under one name keep to their classes',
       'end' in attributes and 'Link.%s=%s' % ((attributes['end'],) * 2) in out and
       result_of(out) == result_of(ATTRIBUTES))

NAMED_AS_GLOBAL = '''
def frame():
    return 10


class Link:
    def frame(self):
        return 100 + frame()


def run():
    return Link().frame()
'''
out, (attributes, _) = shortened(NAMED_AS_GLOBAL, over=10)
expect('a moved method\'s function of its own name (_h_Link_frame) takes the method\'s new name',
       '_h_' not in out and 'Link.%s=%s' % ((attributes['frame'],) * 2) in out and
       result_of(out) == result_of(NAMED_AS_GLOBAL) == 110)

# strip_agent.py --names: what each short attribute name stands for, to
# read a board's traceback by.
with tempfile.TemporaryDirectory() as scratch:
    paths = [os.path.join(scratch, name) for name in ('in.py', 'out.py', 'names.txt')]
    with open(paths[0], 'w') as f:
        f.write(ATTRIBUTES)
    subprocess.run([sys.executable, os.path.join(sys.argv[1], 'strip_agent.py'), paths[0],
                    paths[1], '--names', paths[2]], check=True)
    with open(paths[1]) as f:
        out = f.read()
    with open(paths[2]) as f:
        names = dict(line.rstrip('\n').split(': ', 1) for line in f)
pending = [short for short, meaning in names.items() if 'pending (Agent, Link)' in meaning]
expect('--names says what each short name stands for, and the class that owns it',
       len(pending) == 1 and '.%s()' % pending[0] in out and
       any('window (Link)' in meaning for meaning in names.values()))

COMPUTED = ATTRIBUTES.replace("hasattr(self, 'ready')", "hasattr(self, 'rea' + 'dy')")
out, (attributes, _) = shortened(COMPUTED)
expect('getattr and the like with a computed name on the program\'s objects: no attribute renamed',
       attributes == {} and result_of(out) == result_of(COMPUTED))

out, (attributes, local_plans) = shortened('X = 1\n\n\ndef run(value=2):\n    total = value\n'
                                           '    return globals()[\'X\'] + total\n')
expect('a module that reads globals() renames nothing',
       attributes == {} and local_plans == {} and result_of(out) == 3)

NESTED = '''
def outer(base):
    def add(step):
        return base + step
    return add(1)


def formatted(count):
    return f'{count}!'


def run():
    return outer(2), formatted(3)
'''
out, _ = shortened(NESTED)
expect('a function with a def inside, and a name in an f-string, keep their locals',
       {'base', 'count'} <= identifiers(out) and result_of(out) == result_of(NESTED))

# What a review found renamed wrongly once: each must mean what it did.
TRICKY = {
    'a default and a decorator read outside the function':
        'x = 5\n\n\ndef deco(f):\n    return f\n\n\n@deco\ndef g(y=x):\n'
        '    x = y\n    deco = 1\n    return x + deco\n\n\ndef run():\n    return g()\n',
    'a class body reads its own attributes':
        'class K:\n    width = 4\n    mask = width - 1\n    table = [q * 2 for q in range(3)]\n\n'
        '    def get(self, n=width):\n        return self.mask, self.table, n\n\n\n'
        'def run():\n    return K().get()\n',
    'an attribute stored on another class\'s object':
        'class A:\n    def __init__(self):\n        self.alpha = 1\n\n\nclass B:\n'
        '    def __init__(self):\n        self.beta = 2\n\n\ndef tag(obj):\n    obj.alpha = 10\n\n\n'
        'def run():\n    b = B()\n    tag(b)\n    return b.alpha, b.beta, A().alpha\n',
    'a class inside an if':
        'if True:\n    class K:\n        def __init__(self):\n            self.alpha = \'a\'\n'
        '            self.beta = \'b\'\n\n\ndef run():\n    k = K()\n    return k.alpha, k.beta\n',
    'a static method stores on what it is given, moved out of its class or not':
        'class A:\n    def __init__(self):\n        self.gamma = 3\n\n    @staticmethod\n'
        '    def tag(obj):\n        obj.alpha = 10\n\n\nclass B:\n    def __init__(self):\n'
        '        self.beta = 2\n\n\ndef run():\n    b = B()\n    A.tag(b)\n'
        '    return b.alpha, b.beta, A().gamma\n',
    'a keyword passed in a dict':
        'def f(limit=1):\n    return limit\n\n\ndef run():\n    return f(**{\'limit\': 3})\n',
    'a name after text that is not ASCII':
        'def f(count):\n    label = \'\u00e9\u00e9\'; total = count\n    return label, total\n\n\n'
        'def run():\n    return f(2)\n',
    'a method named as a board\'s (machine.UART.irq)':
        'class Port:\n    def __init__(self, uart):\n        self.uart = uart\n\n'
        '    def irq(self):\n        return self.uart.irq()\n\n\nclass Uart:\n'
        '    def irq(self):\n        return \'irq\'\n\n\ndef run():\n    return Port(Uart()).irq()\n',
}
for what, program in TRICKY.items():
    for over in (10**6, 10):  # classes kept whole, and their methods moved out
        out, _ = shortened(program, over)
        expect('%s (classes over %d bytes moved out): the program computes what it did'
               % (what, over), result_of(out) == result_of(program))

text = strip_agent.hoist(strip_agent.fold(strip_agent.strip(ATTRIBUTES))[0], 10)
keep = name_plan.kept_names(ATTRIBUTES)
right, (attributes, _) = shorten_names.shorten(text, keep)
window, pending = attributes['window'], attributes['pending']
wrong = right.replace('.%s' % window, '.%s' % pending)
expect('check_shortened refuses two attributes of one class given one name',
       shorten_names.check_shortened(text, wrong, keep) is not None)
wrong = right.replace('self.%s = 4' % window, 'self.window = 4')
expect('check_shortened refuses a name the plan renames left as it was',
       shorten_names.check_shortened(text, wrong, keep) is not None)

# A plan that breaks its own rules, shorten() writing it out faithfully:
# check_shortened must see what is wrong with the plan itself.
attribute_plan, local_plans = name_plan.attribute_plan, name_plan.local_plans


def one_name_for_all(program):
    return {a: 'zq' for a in attribute_plan(program)}


def one_local_for_all(program, text):
    return {f: {name: 'zq' for name in own} for f, own in local_plans(program, text).items()}


for what, program, attributes_with, locals_with in (
        ('two attributes of one class', ATTRIBUTES, one_name_for_all, local_plans),
        ('two locals of one function', LOCALS, attribute_plan, one_local_for_all)):
    name_plan.attribute_plan, name_plan.local_plans = attributes_with, locals_with
    try:
        wrong, _ = shorten_names.shorten(program, set())
        problem = shorten_names.check_shortened(program, wrong, set())
    finally:
        name_plan.attribute_plan, name_plan.local_plans = attribute_plan, local_plans
    expect('check_shortened refuses a plan that gives %s one name (%s)' % (what, problem),
           problem is not None and problem.startswith(what))

finish()
