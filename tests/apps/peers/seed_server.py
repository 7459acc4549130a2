#!/usr/bin/env python3
# server.py of the socket programming notes (seed 003), verbatim but for the
# port, which the test passes so that it never collides with another.

import socket
import sys

HOST = '127.0.0.1'  # Standard loopback interface address (localhost)
PORT = int(sys.argv[1])

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind((HOST, PORT))
    s.listen()
    print('listening', file=sys.stderr, flush=True)
    conn, addr = s.accept()
    with conn:
        print('Connected by', addr)
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
