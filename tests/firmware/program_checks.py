# What the tests of scripts/ share: one line a check, and a program's result.

import sys

failures = []


def expect(what, ok):
    print('%s: %s' % ('ok' if ok else 'FAIL', what))
    if not ok:
        failures.append(what)


def result_of(text):
    # What the program's run() returns.
    scope = {}
    exec(text, scope)
    return scope['run']()


def finish():
    sys.exit(1 if failures else 0)
