#!/usr/bin/env python3
# client.py of the socket programming notes (seed 003), verbatim but for the
# port, which the test passes.

import socket
import sys

HOST = '127.0.0.1'  # The server's hostname or IP address
PORT = int(sys.argv[1])

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.connect((HOST, PORT))
    s.sendall(b'Hello, world')
    data = s.recv(1024)

print('Received', repr(data))
