#!/usr/bin/env python3
# The HTTP client of the MicroPython notes (seed 001): an HTTP/1.0 GET and
# read(2000). The host and port come from the test, and CPython's socket has
# no write()/read(), so makefile() provides the stream MicroPython has built in.

import socket
import sys

ai = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]))
addr = ai[0][-1]

s = socket.socket()
s.connect(addr)
s.makefile('rwb', 0).write(b"GET / HTTP/1.0\r\n\r\n")

print("\nResponse:")
print(s.makefile('rb').read(2000).decode(), "...")

s.close()
