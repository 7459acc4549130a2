# scripts/strip_agent.py on small programs: what it folds and moves, what it
# must leave alone, and its checks refusing an output that means something
# else. Each program also runs, before and after, to the same result.
#
#   python3 strip_agent_test.py SCRIPTS_DIR

import sys

sys.path.insert(0, sys.argv[1])
import strip_agent  # noqa: E402
from program_checks import expect, finish, result_of  # noqa: E402


def stripped(program, over=10):
    # What the tools upload, with classes over `over` bytes hoisted.
    text = strip_agent.strip(program)
    folded, values = strip_agent.fold(text)
    assert strip_agent.check_folded(text, folded, values) is None
    result = strip_agent.hoist(folded, over)
    assert strip_agent.check_hoisted(folded, result) is None
    return result, values


FOLDS = '''
LIMIT = 4
NEG = -1
WIDE = 0xFFFFFFFF
REBOUND = 1
SHADOWED = 2
SPELLED = 3
BOTH, HALF = 5, 'x'


def bump():
    global REBOUND
    REBOUND += 1


def shadow(SHADOWED=7):
    return SHADOWED


def run():
    bump()
    return (LIMIT * 2, 2 ** NEG, WIDE, REBOUND, shadow(), SHADOWED,
            getattr(__import__(__name__), 'SPELLED', SPELLED), BOTH, HALF)
'''

out, values = stripped(FOLDS)
expect('an int read only where it is defined folds, a negative one in brackets',
       values == {'LIMIT': 4, 'NEG': -1} and '2 ** (-1)' in out and 'LIMIT' not in out)
expect('no fold: beyond a small int, bound twice, a parameter, in a string, a mixed tuple',
       not set(values) & {'WIDE', 'REBOUND', 'SHADOWED', 'SPELLED', 'BOTH', 'HALF'})
expect('the folded program computes what the original does', result_of(out) == result_of(FOLDS))

DYNAMIC = 'LIMIT = 4\n\n\ndef run():\n    return globals()[\'LIMIT\'] + LIMIT\n'
out, values = stripped(DYNAMIC)
expect('a module that reads globals() folds nothing', values == {} and result_of(out) == 8)

EARLY = '''
try:
    SEEN = LATE
except NameError:
    SEEN = None
LATE = 1
WIDTH = 6


def run():
    return SEEN, WIDTH.bit_length(), f'{LATE}'
'''
out, values = stripped(EARLY)
expect('no fold: read above its definition, or in an f-string; a method call on one in brackets',
       values == {'WIDTH': 6} and '(6).bit_length()' in out and result_of(out) == result_of(EARLY))

text = strip_agent.strip(FOLDS)
folded, values = strip_agent.fold(text)
expect('check_folded refuses a value changed', strip_agent.check_folded(
    text, folded.replace('LIMIT * 2', '5 * 2').replace('4 * 2', '5 * 2'), values) is not None)
expect('check_folded refuses a name folded that may not be', strip_agent.check_folded(
    text, folded, dict(values, WIDE=0xFFFFFFFF)) is not None)

HOISTS = '''
def frame():
    return 10


class Link:
    def __init__(self):
        self.n = 1

    def pump(self):
        return self.n + frame()

    def frame(self):
        return 100


def run():
    link = Link()
    return link.pump(), link.frame()
'''

out, _ = stripped(HOISTS)
expect('a method moved out keeps its name while no variable has it',
       'def pump(self):' in out and 'Link.pump=pump' in out and 'del pump' in out)
expect('a method named as a global gets a name of its own',
       'def _h_Link_frame(self):' in out and 'Link.frame=_h_Link_frame' in out)
scope = {}
exec(out, scope)
expect('the moved methods compute what the class did, no global left behind',
       result_of(out) == result_of(HOISTS) == (11, 100) and 'pump' not in scope)

STAR = 'from os import *\n\n\nclass Link:\n    def sep(self):\n        return 1\n'
out, _ = stripped(STAR)
expect('after a star import (a name a module defines) no moved method keeps its own name',
       'def _h_Link_sep(self):' in out)

text = strip_agent.strip(HOISTS)
right = strip_agent.hoist(text, 10)
wrong = right.replace('_h_Link_frame', 'frame')
expect('check_hoisted refuses a moved method named as a global',
       strip_agent.check_hoisted(text, wrong) is not None)

finish()
