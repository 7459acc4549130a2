#!/usr/bin/env python3
"""CLIENTS concurrent TCP clients, each streaming BYTES of its own random data
to an echo server and checking that exactly the same bytes come back.
Usage: echo_many.py HOST PORT CLIENTS BYTES. Prints "ok N" or exits 1."""

import asyncio
import os
import sys


async def one_client(host, port, size):
    reader, writer = await asyncio.open_connection(host, port)
    payload = os.urandom(size)

    async def send():
        for start in range(0, size, 65536):
            writer.write(payload[start:start + 65536])
            await writer.drain()

    sender = asyncio.create_task(send())
    echoed = await reader.readexactly(size)
    await sender
    writer.close()
    await writer.wait_closed()
    return echoed == payload


async def main():
    host, port, clients, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    results = await asyncio.wait_for(
        asyncio.gather(*(one_client(host, port, size) for _ in range(clients))), timeout=120)
    good = sum(results)
    print("ok" if good == clients else "MISMATCH", good)
    sys.exit(0 if good == clients else 1)


asyncio.run(main())
