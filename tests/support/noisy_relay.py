#!/usr/bin/env python3
"""A noisy serial line between a host tool and a board that serves a pty.

  noisy_relay.py DEVICE NOISE SEED

Opens DEVICE (the board's pseudo-terminal), creates a pseudo-terminal of its
own, prints its path on stdout, and relays bytes both ways, corrupting each
byte with probability NOISE (to a random value, or, one time in ten, by
dropping it), from a random generator seeded with SEED so a failing run can
be repeated. It runs until it is stopped.
"""

import os
import random
import select
import sys
import termios
import tty


def make_raw(fd):
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[6][termios.VMIN] = 0
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def damage(data, noise, rng):
    out = bytearray()
    for byte in data:
        if rng.random() >= noise:
            out.append(byte)
        elif rng.random() >= 0.1:
            out.append(rng.randrange(256))
    return bytes(out)


def main():
    device, noise, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    board = os.open(device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    make_raw(board)
    master, keeper = os.openpty()
    make_raw(keeper)
    os.set_blocking(master, False)
    print(os.ttyname(keeper), flush=True)

    # What each side has yet to be given, and to whom it goes.
    pending = {board: b"", master: b""}
    other = {board: master, master: board}
    poller = select.poll()
    while True:
        for fd in (board, master):
            poller.register(fd, select.POLLIN | (select.POLLOUT if pending[fd] else 0))
        for fd, events in poller.poll(1000):
            if events & select.POLLIN:
                try:
                    data = os.read(fd, 4096)
                except (BlockingIOError, OSError):
                    data = b""
                pending[other[fd]] += damage(data, noise, rng)
        for fd in (board, master):
            if pending[fd]:
                try:
                    written = os.write(fd, pending[fd])
                except BlockingIOError:
                    written = 0
                pending[fd] = pending[fd][written:]


if __name__ == "__main__":
    main()
