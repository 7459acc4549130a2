#!/usr/bin/env python3
"""The agent under CPython, on a terminal, must not discard what its host
was sent but has not read yet: the raw REPL's "OK" before the agent's
first ANNOUNCE, when the board is tests/support/raw_repl_peer.py and the
host is slow to read (as under ASan). Putting a terminal in raw mode with
TCSAFLUSH did that.

Usage: agent_keeps_unread_input.py AGENT
"""

import array
import fcntl
import os
import select
import subprocess
import sys
import termios
import time
import tty


def queued(fd):
    """Bytes waiting to be read on terminal `fd`, left where they are."""
    count = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, count)
    return count[0]


def main():
    agent = sys.argv[1]
    master, slave = os.openpty()
    tty.setraw(slave)
    # What the board said before the agent started, still unread by the host.
    os.write(master, b"OK")
    board = subprocess.Popen([sys.executable, agent], stdin=master, stdout=master)
    os.close(master)
    heard = b""
    deadline = time.monotonic() + 30
    try:
        # A slow host: nothing is read until the agent has written more
        # than the 2 bytes waiting (it sets the terminal up before it
        # writes), so a flush would have happened by then.
        while queued(slave) <= 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        # The stream up to the end of the first frame (its closing 0x00).
        while heard.count(b"\x00") < 2 and time.monotonic() < deadline:
            if select.select([slave], [], [], 0.5)[0]:
                heard += os.read(slave, 4096)
    finally:
        board.kill()
        board.wait()
    if heard.count(b"\x00") < 2:
        print("FAIL: no ANNOUNCE from the agent within 30 s; heard %r" % heard[:80])
        return 1
    if not heard.startswith(b"OK\x00"):
        print("FAIL: the bytes before the agent started were lost: heard %r" % heard[:40])
        return 1
    print("ok: %r came before the first frame" % heard[:2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
