#!/usr/bin/env python3
"""A board whose main.py runs the agent on a UART of its own, under CPython:
a pseudo-terminal stands for the UART's pins, and machine.UART is the
MicroPython class as its documentation describes it when opened with
timeout=0: readinto() and write() return None instead of waiting, and
poll() watches it. It does not model the driver's ring overflowing.

Prints the terminal's path as its first line of stdout (the board's REPL
line, which must hear nothing else), then runs, as main.py would,
    usock_agent.main(uart=machine.UART(1, 115200, rxbuf=RXBUF, timeout=0),
                     rxbuf=RXBUF)

Usage: uart_board.py AGENT RXBUF
"""

import importlib.util
import os
import sys
import types

# The agent under test: its open_pty() makes the stand-in's terminal.
AGENT = None


class UART:
    def __init__(self, uart_id, baudrate=115200, rxbuf=256, timeout=1000):
        if timeout != 0:
            raise ValueError("this stand-in serves the agent's timeout=0 only")
        self.uart_id = uart_id
        self.baudrate = baudrate
        self.rxbuf = rxbuf
        # The far end's open and close must not hang the UART up.
        self.master, self.keeper, self.path = AGENT.open_pty()

    def fileno(self):
        return self.master

    def readinto(self, buf):
        try:
            data = os.read(self.master, len(buf))
        except (BlockingIOError, OSError):
            return None
        if not data:
            return None
        buf[:len(data)] = data
        return len(data)

    def write(self, buf):
        try:
            return os.write(self.master, buf)
        except BlockingIOError:
            return None


def load_agent(path):
    spec = importlib.util.spec_from_file_location("usock_agent", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    global AGENT
    AGENT = load_agent(sys.argv[1])
    rxbuf = int(sys.argv[2])
    machine = types.ModuleType("machine")
    machine.UART = UART
    sys.modules["machine"] = machine
    uart = machine.UART(1, 115200, rxbuf=rxbuf, timeout=0)
    print(uart.path, flush=True)
    AGENT.main(uart=uart, rxbuf=rxbuf)


if __name__ == "__main__":
    main()
