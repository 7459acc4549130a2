#!/usr/bin/env python3
# Raw HTTP exchanges a library client will not make, for userve's tests.
#   http_probe.py PORT send BYTES        send BYTES (Python escapes), print
#                                        everything the server sends until it closes
#   http_probe.py PORT pipeline N PATH   N GET requests in one write; print
#                                        the status line of each response
#   http_probe.py PORT idle N PATH       hold N connections, half of them
#                                        with an unfinished request, fetch
#                                        PATH on another, print its status
#                                        and how many held ones are still open
import socket
import sys
import urllib.request

TIMEOUT = 10


def read_all(sock):
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return sock


def send(port, text):
    payload = text.encode("latin-1").decode("unicode_escape").encode("latin-1")
    with connect(port) as sock:
        sock.sendall(payload)
        sys.stdout.write(read_all(sock).decode("latin-1"))


def pipeline(port, count, path):
    request = "GET {} HTTP/1.1\r\nHost: x\r\n\r\n".format(path).encode()
    with connect(port) as sock:
        sock.sendall(request * (count - 1) +
                     "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".format(path).encode())
        data = read_all(sock).decode("latin-1")
    for line in data.split("\n"):
        if line.startswith("HTTP/1."):
            print(line.rstrip("\r"))


def idle(port, count, path):
    held = []
    for i in range(count):
        sock = connect(port)
        if i % 2:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: slow\r\n")
        held.append(sock)
    with urllib.request.urlopen("http://127.0.0.1:{}{}".format(port, path),
                                timeout=TIMEOUT) as response:
        print(response.status)
    still_open = 0
    for sock in held:
        sock.setblocking(False)
        try:
            still_open += 1 if sock.recv(1) else 0
        except BlockingIOError:
            still_open += 1
        sock.close()
    print(still_open)


def main():
    port = int(sys.argv[1])
    command = sys.argv[2]
    if command == "send":
        send(port, sys.argv[3])
    elif command == "pipeline":
        pipeline(port, int(sys.argv[3]), sys.argv[4])
    elif command == "idle":
        idle(port, int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main()
