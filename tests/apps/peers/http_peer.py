#!/usr/bin/env python3
"""An HTTP server that misbehaves on purpose, one behaviour per path, for
uhttpget's tests. Listens on 127.0.0.1 (or ::1 with -6) on an ephemeral port
and prints "listening on PORT" on stderr once it accepts connections.

  /echo            200, the request as received (head and body) as the body
  /chunked         200, a chunked body of 100 chunks, "line N\\n" each
  /bad-chunk       200, chunked, with a size line that is not hex
  /cut             200, Content-Length 1000, closes after 500 bytes
  /cut-chunked     200, chunked, closes inside a chunk
  /until-close     200, no length: the body ends when the connection does
  /redirect/N      302 to /redirect/N-1, and /redirect/0 is 200 "arrived"
  /see-other       303 to /echo (the method must become GET)
  /temporary       307 to /echo (the method and body must stay)
  /elsewhere/PORT  302 to http://localhost:PORT/echo (credentials must drop)
  /loop            302 to itself
  /interim         100 Continue, then 200 "after interim"
  /interim-flood   100 Continue forever
  /garbage         bytes that are not HTTP
  /endless         a status line, then header lines forever
  /silent          closes without a byte
  /slow            200 with Content-Length 10, one byte a second
  /status/N        status N with a short body

With --full-backlog it accepts nothing: its listen queue is filled by its own
connections, so a client's SYN goes unanswered and connect() hangs until the
client's timeout.
"""

import socket
import sys
import threading
import time


def send_status(conn, status, body, extra=b""):
    conn.sendall(b"HTTP/1.1 %d Status\r\nContent-Length: %d\r\n%s\r\n" % (status, len(body), extra)
                 + body)


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            while len(body) < int(value):
                piece = conn.recv(65536)
                if not piece:
                    break
                body += piece
    return head + b"\r\n\r\n" + body


def serve(conn):
    request = read_request(conn)
    if request is None:
        return
    path = request.split(b" ")[1].decode()
    if path == "/echo":
        send_status(conn, 200, request)
    elif path == "/chunked":
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for i in range(100):
            line = b"line %d\n" % i
            conn.sendall(b"%x\r\n%s\r\n" % (len(line), line))
        conn.sendall(b"0\r\n\r\n")
    elif path == "/bad-chunk":
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
    elif path == "/cut":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 500)
    elif path == "/cut-chunked":
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n" + b"y" * 50)
    elif path == "/until-close":
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"z" * 3000)
    elif path.startswith("/redirect/"):
        left = int(path.rsplit("/", 1)[1])
        if left == 0:
            send_status(conn, 200, b"arrived\n")
        else:
            send_status(conn, 302, b"", b"Location: /redirect/%d\r\n" % (left - 1))
    elif path == "/see-other":
        send_status(conn, 303, b"", b"Location: /echo\r\n")
    elif path == "/temporary":
        send_status(conn, 307, b"", b"Location: /echo\r\n")
    elif path.startswith("/elsewhere/"):
        port = path.rsplit("/", 1)[1].encode()
        send_status(conn, 302, b"", b"Location: http://localhost:" + port + b"/echo\r\n")
    elif path == "/loop":
        send_status(conn, 302, b"", b"Location: /loop\r\n")
    elif path == "/interim":
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        send_status(conn, 200, b"after interim\n")
    elif path == "/interim-flood":
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    elif path == "/garbage":
        conn.sendall(b"\x00\x01\x02 this is not http at all\r\n\r\n")
    elif path == "/endless":
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            conn.sendall(b"X-Filler: " + b"f" * 100 + b"\r\n")
    elif path == "/silent":
        pass
    elif path == "/slow":
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
        for _ in range(10):
            conn.sendall(b"s")
            time.sleep(1)
    elif path.startswith("/status/"):
        send_status(conn, int(path.rsplit("/", 1)[1]), b"status body\n")
    else:
        send_status(conn, 404, b"no such behaviour\n")


def handle(conn):
    try:
        serve(conn)
    except OSError:
        pass  # the client went away first, as some tests make it do
    finally:
        conn.close()


def main():
    family = socket.AF_INET6 if "-6" in sys.argv else socket.AF_INET
    server = socket.socket(family)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    if "--full-backlog" in sys.argv:
        server.listen(0)
        stuck = [socket.socket(family) for _ in range(8)]
        for client in stuck:
            client.setblocking(False)
            try:
                client.connect(server.getsockname())
            except BlockingIOError:
                pass
        print("listening on", server.getsockname()[1], file=sys.stderr, flush=True)
        time.sleep(60)
        return
    server.listen(64)
    print("listening on", server.getsockname()[1], file=sys.stderr, flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


main()
