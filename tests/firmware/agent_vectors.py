# The agent's codec on the worked examples of docs/PROTOCOL.md 7.3 and 8.6:
# COBS framing, CRC-32, the frame header, ANNOUNCE, HELLO/HELLO_ACK and a
# GETADDRINFO answered through the agent's own handler. It runs unchanged on
# CPython and on MicroPython (micropython_vm.mjs); each line it prints is one
# result, and both interpreters must print the same lines.
#
#   python3 agent_vectors.py AGENT     CPython
#   report(usock_agent)                MicroPython, with the agent imported

import sys


def unhex(text):
    return bytes([int(h, 16) for h in text.split()])


def hexs(data):
    return ' '.join(['%02X' % b for b in data])


# PROTOCOL.md 7.3: the device's ANNOUNCE, the host's HELLO, and the payload
# of the device's HELLO_ACK (which names an ESP32 the agent cannot fake).
ANNOUNCE = unhex('02 03 01 02 FF 01 03 A5 01 01 01 0F 75 53 6F 4B 01 01 D4 C3 B2 A1'
                 ' 6C 03 15 6C 00')
HELLO = unhex('00 02 01 01 05 FF C0 41 01 01 01 01 0B 75 53 6F 4B 01 01 34 12 ED 5E 02 40'
              ' 03 10 20 01 02 01 03 04 01 18 12 75 73 6F 63 6B 2F 30 2E 34 20 75 68 74'
              ' 74 70 67 65 74 55 F8 4B 99 00')
HELLO_ACK_PAYLOAD = unhex(
    '75 53 6F 4B 01 01 01 34 12 ED 5E D4 C3 B2 A1 00 08 E0 00 00 04 04 08 00 08 00 00 DC 05'
    ' 98 3A 7E 02 00 00 00 C2 01 00 00 F0 00 00 00 50 00 00 05 65 73 70 33 32 12 6D 69 63 72'
    ' 6F 70 79 74 68 6F 6E 20 31 2E 32 33 2E 30 1F 47 65 6E 65 72 69 63 20 45 53 50 33 32 20'
    ' 6D 6F 64 75 6C 65 20 77 69 74 68 20 45 53 50 33 32 0D 75 73 6F 63 6B 2D 61 67 65 6E 74'
    ' 20 31')
HELLO_ACK_CRC = 0xDC608AAE
# Frame types (PROTOCOL.md 4.3).
TYPE_NAK, TYPE_SOCKERR = 0x05, 0x33
# PROTOCOL.md 8.6: host frames, then the device's RESULT, NAK and SOCKERR.
GETADDRINFO = unhex('02 10 01 05 FF 48 42 3B 02 01 01 02 03 02 01 01 02 50 11 0B 65 78 61'
                    ' 6D 70 6C 65 2E 63 6F 6D 3C CE 9D B7 00')
HOST_FRAMES = (
    unhex('02 12 02 01 04 66 42 5F 02 02 04 01 02 01 05 F4 50 B2 82 00'),
    unhex('02 17 02 02 04 66 42 73 02 03 08 01 02 5D B8 D7 0E 50 05 1F 0C 2F FE 00'),
    unhex('02 20 06 03 02 93 42 8B 01 01 18 01 47 45 54 20 2F 20 48 54 54 50 2F 31 2E 30'
          ' 0D 0A 0D 0A 64 EF F9 84 00'),
    unhex('02 22 03 04 05 03 44 BF 01 01 02 01 01 02 02 05 CA 72 50 A0 00'),
)
RESULT = unhex('02 30 01 01 06 5F 08 48 02 01 01 01 01 04 01 01 06 07 02 5D B8 D7 0E 50 05'
               ' 15 87 3C 04 00')
NAK = unhex('02 05 07 03 03 AE 08 93 02 01 01 06 01 7B 8A D1 2B 00')
SOCKERR = unhex('02 33 05 07 04 D4 08 02 07 01 03 01 67 02 71 01 01 1E 18 5B 45 72 72 6E 6F'
                ' 20 31 31 33 5D 20 45 43 4F 4E 4E 41 42 4F 52 54 45 44 BF 3E 53 03 00')


class Port:
    # The host's end of the line: what the agent reads, and what it wrote.
    def __init__(self, key):
        self.key_in = key
        self.key_out = None
        self.stay = True
        self.inbox = b''
        self.sent = bytearray()

    def readinto(self, mv):
        n = min(len(mv), len(self.inbox))
        mv[:n] = self.inbox[:n]
        self.inbox = self.inbox[n:]
        return n

    def write(self, mv):
        self.sent.extend(mv)
        return len(mv)


class Resolver:
    # socket as an ESP32 has it: no inet_pton, so the agent's own parser runs.
    AF_INET = 2
    SOCK_STREAM = 1
    SOCK_DGRAM = 2

    class socket:
        pass

    @staticmethod
    def getaddrinfo(host, port, af=0, stype=0, proto=0, flags=0):
        return [(2, 1, 6, '', ('93.184.215.14', 80))]


def run(A):
    # One result per line: name, then what the agent produced.
    lines = []
    key = sys.stdin if not A.CPYTHON else __import__('os').pipe()[0]
    port = Port(key)
    # The REPL line's window, as on a board. (The uploaded agent has no
    # global RX_WIN: scripts/strip_agent.py folds such constants.)
    port.rx_win = A.StreamPort.rx_win
    port.rx_safe = A.StreamPort.rx_safe
    agent = A.Agent(port)
    link = agent.link
    now = A.ticks()

    def wire():
        link.fill(now)
        link.pump_out(now)
        data = bytes(port.sent)
        port.sent = bytearray()
        return data

    def feed(data):
        port.inbox = data
        while port.inbox:
            link.pump_in(now)
            link.process(now)

    agent.boot_id = 0xA1B2C3D4
    link.tx_end = 0x01A5
    link.gap_zero = False
    agent.announce()
    lines.append(('ANNOUNCE', wire()))

    # The HELLO_ACK carries the board's own name and memory: the example's
    # payload stands in for it, so the whole frame is the example's.
    agent.hello_ack_payload = lambda nonce: HELLO_ACK_PAYLOAD
    feed(HELLO)
    link.gap_zero = True
    frame = wire()
    lines.append(('HELLO session', (agent.session, agent.nonce, link.peer_rx_win, link.frame_max)))
    lines.append(('HELLO_ACK', frame))
    link.run[:len(frame) - 2] = frame[1:-1]
    link.run_len = len(frame) - 2
    w = link.decode()
    link.run_len = 0
    body = bytes(link.body[:w])
    lines.append(('HELLO_ACK header', A.struct.unpack_from(A.HEADER, body, 0)))
    lines.append(('HELLO_ACK crc', A.binascii.crc32(body[:-4]) & A.M32 == HELLO_ACK_CRC))

    caps = agent.caps
    payload = A.Agent.hello_ack_payload(agent, 0x5EED1234)
    lines.append(('hello_ack_payload head', payload[:31] == HELLO_ACK_PAYLOAD[:31]))
    lines.append(('hello_ack_payload caps', A.struct.unpack_from('<I', payload, 31)[0] == caps))

    A.socket = Resolver
    feed(GETADDRINFO)
    lines.append(('RESULT', wire()))

    heard = []
    agent.message = lambda *m: heard.append((m[:4], hexs(m[4])))
    for data in HOST_FRAMES:
        feed(data)
    for m in heard:
        lines.append(('host frame', m))
    lines.append(('after host frames', (link.expected, link.rx_pos, link.granted())))

    link.expected, link.rx_pos, link.tx_end = 4, 0xAE, 0x0293
    link.encode(TYPE_NAK, 0, 3, 0, 0, b'\x01', now)
    lines.append(('NAK', wire()))
    link.expected, link.rx_pos, link.tx_end = 5, 0xD4, 0x0700
    text = unhex('18 5B 45 72 72 6E 6F 20 31 31 33 5D 20 45 43 4F 4E 4E 41 42 4F 52 54 45 44')
    link.encode(TYPE_SOCKERR, 0, 7, 0, 1, A.struct.pack('<hi', 103, 113) + text, now)
    lines.append(('SOCKERR', wire()))
    lines.append(('cut_utf8', A.str8('h\u00e9llo', 2) + A.str8(b'x' * 3)))
    packed = A.pton(10, '2001:db8::1:2.3.4.5')
    lines.append(('pton', packed + A.pton(2, '10.0.0.1')))
    lines.append(('ntop', (A.ntop(10, packed), A.ntop(2, b'\x0a\x00\x00\x01'))))
    lines.append(('Reader.addr', A.Reader(memoryview(unhex('02 5D B8 D7 0E 50 00'))).addr()))
    return lines


def expected():
    return {'ANNOUNCE': ANNOUNCE, 'RESULT': RESULT, 'NAK': NAK, 'SOCKERR': SOCKERR}


def report(A):
    # Prints each result, and whether it equals the example where there is one.
    want = expected()
    bad = 0
    for name, value in run(A):
        text = hexs(value) if isinstance(value, (bytes, bytearray)) else repr(value)
        if name in want and want[name] != value:
            bad += 1
            print('MISMATCH %s: %s' % (name, text))
            print('    PROTOCOL.md: %s' % hexs(want[name]))
        else:
            print('%s: %s' % (name, text))
    return bad


if __name__ == '__main__':
    import importlib.util
    spec = importlib.util.spec_from_file_location('usock_agent', sys.argv[1])
    agent_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agent_module)
    sys.exit(1 if report(agent_module) else 0)
