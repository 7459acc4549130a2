#!/usr/bin/env python3
"""A MicroPython board at its REPL, on a pseudo-terminal, for the bootstrap
tests (PROTOCOL.md 7.7): the friendly REPL (echo, ">>> "), the raw REPL, raw-paste
with a small flow-control window, and plain raw mode. What the host uploads
runs here, under CPython, with the pty as its stdin and stdout, so an uploaded
agent really serves the host. Each exec runs in one namespace that lasts until
a reboot, as on a board: a program uploaded in pieces, one exec each, is
defined piece by piece and run by the last.

The peer enforces the documented byte sequences: a host that writes past the
raw-paste window, or sends frame bytes to a REPL, is reported on stderr as
"peer: VIOLATION: ..." and the peer exits 1. It prints the pty's path as its
first line of stdout, serves one host, and exits once the host closes the port,
logging where the host left it: "peer: ended at the friendly REPL" (or "in the
raw REPL", "in raw-paste mode").

With --main-py the board starts the agent at boot, as main.py would; the peer
then holds the terminal itself, so the agent outlives each host and serves
the next, until a BYE with EXIT (or an interrupt) ends it.
"""

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import time
import tty

BANNER = (b"MicroPython v1.23.0 on 2024-06-02; Generic ESP32 module with ESP32\r\n"
          b'Type "help()" for more information.\r\n')
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
ROM_BANNER = (b"ets Jul 29 2019 12:21:46\r\n\r\n"
              b"rst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\n"
              b"waiting for download\r\n")
TRACEBACK = (b"Traceback (most recent call last):\r\n"
             b'  File "<stdin>", line 1, in <module>\r\n'
             b"MemoryError: memory allocation failed, allocating 4096 bytes\r\n")
# What the compiler says when it stops reading a raw-paste upload.
SYNTAX_ERROR = (b"Traceback (most recent call last):\r\n"
                b'  File "<stdin>", line 12\r\n'
                b"SyntaxError: invalid syntax\r\n")
# A board restarting under the host, back at its friendly REPL, in the
# pieces the host reads it in: a ROM's first line comes a moment after the
# line noise of the reset itself.
REBOOTS = {
    "hard": (b"\r\n", b"ets Jul 29 2019 12:21:46\r\n\r\n"
             b"rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n"
             b"configsip: 0, SPIWP:0xee\r\n" + BANNER + b">>> "),
    "soft": (b"\r\nMPY: soft reboot\r\n" + BANNER + b">>> ",),
}


# The board's Python: runs each exec it is sent in one namespace, the pty
# as its stdin and stdout, and answers with what the raw REPL prints after
# the output (the errors) and the exit status CPython would have had.
INTERPRETER = r"""
import io, json, os, sys, traceback
commands, answers = os.fdopen(int(sys.argv[1]), 'rb'), os.fdopen(int(sys.argv[2]), 'w')
namespace = {'__name__': '__main__'}
while True:
    size = commands.readline()
    if not size:
        break
    code = commands.read(int(size))
    errors, sys.stderr = sys.stderr, io.StringIO()
    status = 0
    try:
        exec(compile(code, '<stdin>', 'exec'), namespace)
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else 0
    except BaseException:
        traceback.print_exc()
        status = 1
    sys.stdout.flush()
    errors, sys.stderr = sys.stderr.getvalue(), errors
    answers.write(json.dumps([status, errors]) + '\n')
    answers.flush()
"""


class HostGone(Exception):
    pass


class Rebooted(Exception):
    pass


class Violation(Exception):
    pass


def log(text):
    sys.stderr.write("peer: " + text + "\n")
    sys.stderr.flush()


class Peer:
    def __init__(self, master, options):
        self.master = master
        self.options = options
        self.pending = b""
        self.python = None
        self.execs = 0
        self.ran = False
        self.handed_back = False
        self.state = "at the friendly REPL"

    # -- the line --------------------------------------------------------

    def write(self, data):
        while data:
            select.select([], [self.master], [], 1)
            try:
                data = data[os.write(self.master, data):]
            except BlockingIOError:
                pass

    def read_byte(self, timeout=None):
        """The next byte from the host; None after `timeout` seconds."""
        if not self.pending:
            ready, _, _ = select.select([self.master], [], [], timeout)
            if not ready:
                return None
            try:
                self.pending = os.read(self.master, 4096)
            except BlockingIOError:
                return None
            except OSError:
                raise HostGone()
            if not self.pending:
                raise HostGone()
        byte, self.pending = self.pending[:1], self.pending[1:]
        return byte

    # -- the REPLs -------------------------------------------------------

    def serve(self):
        if self.options.reset_on_open:
            # An ESP32 whose GPIO0 was low at reset stops in the ROM loader.
            self.write(ROM_BANNER)
            while True:
                self.read_byte()
        if self.options.swallow_ctrl_c:
            self.busy_program()
        if self.options.main_py:
            self.main_py()
        while True:
            try:
                self.friendly()
            except Rebooted:
                log("rebooted")
                self.forget()
                self.state = "at the friendly REPL"

    def main_py(self):
        with open(self.options.main_py, "rb") as agent:
            code = agent.read()
        # A board's UART outlives the host's port: the agent must not see
        # the host's close as a hang-up.
        keeper = os.open(self.options.path, os.O_RDWR | os.O_NOCTTY)
        try:
            self.run(code + b"\nmain()\n", framed=False)
        finally:
            os.close(keeper)
        self.write(BANNER + b">>> ")

    def busy_program(self):
        count = 0
        while True:
            if self.read_byte(0.3) is None:
                count += 1
                self.write(b"tick %d\r\n" % count)

    def friendly(self):
        line = b""
        while True:
            byte = self.read_byte()
            if byte == b"\x00" and (not self.ran or self.handed_back):
                raise Violation("a frame byte (0x00) sent to the friendly REPL")
            if byte == b"\r":
                self.write(b"\r\n>>> ")
                line = b""
            elif byte == b"\x03":
                self.write(b"\r\n>>> ")
                line = b""
            elif byte == b"\x01":
                self.write(b"\r\n")
                self.raw()
            elif byte == b"\x02":
                self.write(b"\r\n" + BANNER + b">>> ")
            elif byte == b"\x04":
                self.forget()
                self.write(b"\r\nMPY: soft reboot\r\n" + BANNER + b">>> ")
            elif byte >= b" ":
                line += byte
                self.write(byte)

    def raw(self):
        log("raw REPL entered")
        self.state = "in the raw REPL"
        self.write(RAW_BANNER + b">")
        line = b""
        while True:
            byte = self.read_byte()
            if byte == b"\x00" and not self.ran:
                raise Violation("a frame byte (0x00) sent to the raw REPL")
            if byte == b"\x01":
                if line == b"\x05A" and not self.options.old_firmware:
                    line = b""
                    if self.options.no_raw_paste:
                        log("raw-paste refused")
                        self.write(b"R\x00>")
                        continue
                    if self.raw_paste():
                        self.write(b">")
                    continue
                # Ctrl-A again, or old firmware taking \x05A as text.
                line = b""
                self.write(RAW_BANNER + b">")
            elif byte == b"\x02":
                log("left the raw REPL")
                self.state = "at the friendly REPL"
                self.handed_back = self.ran
                self.write(b"\r\n" + BANNER + b">>> ")
                return
            elif byte == b"\x03":
                line = b""
            elif byte == b"\x04":
                if not line:
                    log("soft reboot")
                    self.forget()
                    self.write(b"OK\r\nMPY: soft reboot\r\n" + RAW_BANNER + b">")
                    continue
                log("plain raw upload of %d bytes" % len(line))
                self.write(b"OK")
                self.run(line)
                line = b""
                self.write(b">")
            else:
                line += byte

    def raw_paste(self):
        """Raw-paste mode as pyexec.c runs it: the window, one more window
        at once, a further \\x01 each time a window's worth was read."""
        window = self.options.window
        self.write(b"R\x01" + bytes([window & 0xFF, window >> 8]) + b"\x01")
        log("raw-paste window %d" % window)
        self.state = "in raw-paste mode"
        allowed = 2 * window
        code = b""
        credited = window
        while True:
            byte = self.read_byte()
            if byte == b"\x04":
                break
            if byte == b"\x03":
                self.write(b"\x04")
                log("raw-paste aborted by Ctrl-C")
                self.state = "in the raw REPL"
                return True
            code += byte
            if len(code) > allowed:
                raise Violation("raw-paste data beyond the window: %d bytes with %d granted"
                                % (len(code), allowed))
            if len(code) == window and self.options.reset_during_upload:
                # The test times the tool's exit from here: same clock as steady_clock.
                log("reset during the upload at %.3f" % time.monotonic())
                for piece in REBOOTS[self.options.reset_during_upload]:
                    self.write(piece)
                    time.sleep(0.05)
                raise Rebooted()
            if len(code) == window and self.options.abort_paste:
                return self.abort_paste(len(code), allowed)
            if len(code) >= credited and not self.pending:
                # Read a window's worth: the board frees it, a moment later.
                time.sleep(0.002)
                credited += window
                allowed += window
                self.write(b"\x01")
        log("raw-paste upload of %d bytes" % len(code))
        self.state = "in the raw REPL"
        self.write(b"\x04")
        self.run(code)
        return True

    def abort_paste(self, read, allowed):
        """pyexec.c's reader when the compiler stops early: \\x04 to the host,
        then everything it still sends is dropped until its Ctrl-C or Ctrl-D."""
        log("raw-paste aborted after %d bytes" % read)
        self.write(b"\x04")
        while True:
            byte = self.read_byte()
            if byte in (b"\x03", b"\x04"):
                break
            read += 1
            if read > allowed:
                raise Violation("raw-paste data after the abort beyond the window: %d bytes "
                                "with %d granted" % (read, allowed))
        log("the host ended the aborted paste with %r" % byte)
        self.state = "in the raw REPL"
        self.write(b"\x04" + SYNTAX_ERROR + b"\x04")
        return True

    # -- running what was uploaded ---------------------------------------

    def run(self, code, framed=True):
        self.ran = True
        self.execs += 1
        lines = code.rstrip(b"\n").split(b"\n")
        log("exec %d: running %d bytes from %s to %s" % (
            self.execs, len(code), lines[0].decode(errors="replace"),
            lines[-1].decode(errors="replace")))
        if self.execs == self.options.fail_exec or \
                self.options.traceback and lines[-1].startswith(b"main("):
            self.write(b"\x04" + TRACEBACK + b"\x04")
            return
        status, errors = self.execute(code)
        log("the program exited with %d" % status)
        errors = errors.replace(b"\n", b"\r\n")
        # The raw REPL frames a run's output and errors with \x04.
        self.write(b"\x04" + errors + b"\x04" if framed else errors)

    def execute(self, code):
        """Runs `code` in the board's namespace: (exit status, error text)."""
        if self.python is None:
            commands, self.commands = os.pipe()
            self.answers, answers = os.pipe()
            self.python = subprocess.Popen(
                [sys.executable, "-c", INTERPRETER, str(commands), str(answers)],
                stdin=self.master, stdout=self.master, pass_fds=(commands, answers))
            os.close(commands)
            os.close(answers)
        os.write(self.commands, b"%d\n" % len(code) + code)
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = os.read(self.answers, 65536)
            if not chunk:
                self.forget()
                return 1, b"the interpreter died\n"
            answer += chunk
        status, errors = json.loads(answer)
        return status, errors.encode()

    def forget(self):
        """A reboot: the namespace goes with the interpreter."""
        if self.python is None:
            return
        os.close(self.commands)
        os.close(self.answers)
        # A peer stopped by the test takes the board's program with it.
        if self.python.poll() is None:
            self.python.kill()
        self.python.wait()
        self.python = None


def open_pty():
    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    # The host's open is seen as the master's hang-up ending: no side of
    # ours may hold the terminal.
    os.close(slave)
    return master, path


def wait_for_host(master, seconds):
    poller = select.poll()
    poller.register(master, select.POLLIN)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        events = poller.poll(10)
        if not events or not events[0][1] & select.POLLHUP:
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=128, help="raw-paste window increment")
    parser.add_argument("--no-raw-paste", action="store_true", help="answer R\\x00")
    parser.add_argument("--old-firmware", action="store_true", help="predate raw-paste")
    parser.add_argument("--swallow-ctrl-c", action="store_true",
                        help="run a program that prints and ignores Ctrl-C")
    parser.add_argument("--reset-on-open", action="store_true",
                        help="reset into the ROM loader when the port opens")
    parser.add_argument("--traceback", action="store_true",
                        help="answer the exec that runs main() with a traceback")
    parser.add_argument("--fail-exec", type=int, metavar="N",
                        help="answer the Nth exec with a MemoryError traceback")
    parser.add_argument("--reset-during-upload", choices=sorted(REBOOTS),
                        help="reboot (a ROM banner, or MicroPython's soft reboot) after the "
                        "first raw-paste window")
    parser.add_argument("--abort-paste", action="store_true",
                        help="end raw-paste after the first window, as on a syntax error")
    parser.add_argument("--main-py", metavar="AGENT",
                        help="run AGENT's main() at boot, before the friendly REPL")
    parser.add_argument("--wait", type=float, default=30, help="seconds to wait for the host")
    options = parser.parse_args()
    # SIGTERM unwinds, so the program the board runs goes too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    master, path = open_pty()
    options.path = path
    # A UART gives what is there: the uploaded program reads the same open
    # file, and its poll loop must not block in a read.
    os.set_blocking(master, False)
    print(path, flush=True)
    if not wait_for_host(master, options.wait):
        log("no host opened the port")
        return 3
    peer = Peer(master, options)
    try:
        peer.serve()
    except HostGone:
        log("the host closed the port")
        log("ended " + peer.state)
    except Violation as violation:
        log("VIOLATION: " + str(violation))
        return 1
    finally:
        peer.forget()
    return 0


if __name__ == "__main__":
    sys.exit(main())
