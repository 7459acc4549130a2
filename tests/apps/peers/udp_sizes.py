#!/usr/bin/env python3
"""Sends UDP datagrams of several sizes (0 and the IPv4 maximum 65507
included) to an echo server and checks each echo. Usage: udp_sizes.py HOST PORT"""

import os
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
family = socket.AF_INET6 if ":" in host else socket.AF_INET
with socket.socket(family, socket.SOCK_DGRAM) as s:
    s.settimeout(5)
    for size in (0, 1, 12, 1472, 8192, 65507):
        payload = os.urandom(size)
        s.sendto(payload, (host, port))
        echo, _ = s.recvfrom(65535)
        if echo != payload:
            sys.exit(f"size {size}: echo of {len(echo)} bytes differs")
        print(size)
