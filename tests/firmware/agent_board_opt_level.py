# The compiler level of an uploaded agent (PROTOCOL.md 7.7): its first piece
# raises the board's to 3, main() puts it back on every exit, and an upload
# that failed before main() (the level left at 3) does not make a retry
# take 3 for the board's own. Under CPython, with a micropython module that
# keeps a level as a board does, each upload an exec in one namespace, as
# the raw REPL's __main__.
#
#   python3 agent_board_opt_level.py AGENT     (the agent as the tools upload it)

import sys
import types

from program_checks import expect, finish

board = types.ModuleType('micropython')
board.level = 0


def opt_level(level=None):
    if level is None:
        return board.level
    board.level = level


board.opt_level = opt_level
sys.modules['micropython'] = board
with open(sys.argv[1], encoding='utf-8') as f:
    agent = compile(f.read(), 'agent', 'exec')
repl = {'__name__': '__main__'}

exec(agent, repl)  # an upload that then fails: main() never runs
expect('an upload compiles what follows its first piece at level 3', board.level == 3)
exec(agent, repl)  # the retry
try:
    repl['main'](mtu=1)
except ValueError:
    pass
expect('after a failed upload and a retry, main() puts back the level the board had',
       board.level == 0)

board.level = 1
exec(agent, repl)
try:
    repl['main'](mtu=1)
except ValueError:
    pass
expect('the next upload puts back the level the board has then', board.level == 1)

imported = {'__name__': 'usock_agent'}
exec(agent, imported)
expect('imported (main.py), the agent leaves the level alone', board.level == 1)
finish()
