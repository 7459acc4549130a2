#!/usr/bin/env python3
"""Peers that misbehave on purpose, for fault tests.
  reset HOST PORT          connect, send, then close with RST (SO_LINGER 0)
  nonreader HOST PORT N    connect, send N bytes without ever reading, then wait
                           for SIGTERM
  stalled-server PORT      accept one client and never read from it
  closing-server PORT N    accept one client, echo N bytes, then close
The servers print "listening" on stderr once they accept connections."""

import signal
import socket
import struct
import sys
import time


def reset(host, port):
    s = socket.create_connection((host, port))
    s.sendall(b"x" * 100000)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def nonreader(host, port, size):
    s = socket.create_connection((host, port))
    s.setblocking(False)
    sent = 0
    deadline = time.monotonic() + 20
    while sent < size and time.monotonic() < deadline:
        try:
            sent += s.send(b"y" * min(65536, size - sent))
        except BlockingIOError:
            time.sleep(0.01)
    print("sent", sent, flush=True)
    signal.sigwait({signal.SIGTERM})


def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen()
    print("listening", file=sys.stderr, flush=True)
    return s


def stalled_server(port):
    conn, _ = listener(port).accept()
    signal.sigwait({signal.SIGTERM})


def closing_server(port, size):
    conn, _ = listener(port).accept()
    echoed = 0
    while echoed < size:
        data = conn.recv(min(65536, size - echoed))
        if not data:
            break
        conn.sendall(data)
        echoed += len(data)
    conn.close()


signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
mode, args = sys.argv[1], sys.argv[2:]
if mode == "reset":
    reset(args[0], int(args[1]))
elif mode == "nonreader":
    nonreader(args[0], int(args[1]), int(args[2]))
elif mode == "stalled-server":
    stalled_server(int(args[0]))
elif mode == "closing-server":
    closing_server(int(args[0]), int(args[1]))
else:
    sys.exit("unknown mode " + mode)
