# usock agent: the device side of the usock serial-proxy protocol, version 1
# (docs/PROTOCOL.md). It runs the host's socket calls on the board's own
# network stack, every socket non-blocking in one poll loop.
#
# One file, three ways to run it:
# - on a MicroPython board, over the REPL's stdin/stdout: uploaded through the
#   raw REPL with the line `main(injected=True)` appended (PROTOCOL.md 7.7),
#   or from main.py with `import usock_agent; usock_agent.main()`; or over a
#   UART of its own, from main.py:
#     uart = machine.UART(1, 115200, tx=17, rx=16, rxbuf=1024, timeout=0)
#     usock_agent.main(uart=uart, rxbuf=1024)
# - under CPython 3 with `--pty`: it creates a pseudo-terminal, prints the
#   path of its terminal side and serves it, host tool after host tool, as
#   `uboard --pty` does;
# - under CPython 3 (or the MicroPython unix port) without options: it serves
#   its own stdin and stdout, as a board serves its REPL line.
#
# It keeps to what every MicroPython port has (MicroPython 1.20): no f-strings,
# no type hints, positional arguments to int.to_bytes, buffers allocated once.

import gc
import sys

try:
    import usocket as socket
except ImportError:
    import socket
try:
    import uselect as select
except ImportError:
    import select
try:
    import ustruct as struct
except ImportError:
    import struct
try:
    import uerrno as errno
except ImportError:
    import errno
try:
    import utime as time
except ImportError:
    import time
try:
    import ubinascii as binascii
except ImportError:
    import binascii
try:
    import uos as os
except ImportError:
    import os
try:
    import micropython
except ImportError:
    micropython = None

# Names reached from outside the agent, which scripts/strip_agent.py keeps
# when it shortens the others (shorten_names.py): main() and its keywords,
# which the host and main.py call; a port's interface, which a test's line
# implements too; and what tests/firmware/agent_vectors.py reads, sets and
# calls to check the codec on MicroPython.
# strip_agent keeps: main key_in key_out stay rx_win rx_safe readinto write
# strip_agent keeps: link boot_id announce hello_ack_payload session nonce caps message
# strip_agent keeps: fill pump_in pump_out process tx_end gap_zero peer_rx_win frame_max
# strip_agent keeps: run run_len decode body expected rx_pos granted encode addr

# Uploaded through the raw REPL, the agent runs as __main__, and the board
# compiles each later piece after this one ran (PROTOCOL.md 7.7): compiled
# at level 3 (no line numbers, what mpy-cross -O3 does), the agent keeps
# about 2.5 KB less heap. main() puts the board's level back. An upload
# that failed before main() left the level at 3 and this name in the REPL's
# namespace, holding the level the board had before: a retry keeps that.
if __name__ == '__main__' and hasattr(micropython, 'opt_level'):
    try:
        BOARD_OPT_LEVEL
    except NameError:
        BOARD_OPT_LEVEL = None
    if BOARD_OPT_LEVEL is None:
        BOARD_OPT_LEVEL = micropython.opt_level()
    micropython.opt_level(3)
else:
    BOARD_OPT_LEVEL = None

CPYTHON = sys.implementation.name == 'cpython'

if hasattr(time, 'ticks_ms'):
    ticks = time.ticks_ms
    tdiff = time.ticks_diff
    tadd = time.ticks_add
else:
    def ticks():
        return int(time.monotonic() * 1000)

    def tdiff(a, b):
        return a - b

    def tadd(a, d):
        return a + d

# What this agent announces (PROTOCOL.md 7.2, the ESP32 column): a 2 KB raw
# buffer, 1 KB frames, four frames in flight, eight sockets of 2 KB each.
VERSION = 1
MAGIC = b'uSoK'
MTU = 1024
RX_WIN = 2048
RX_SAFE = 224
TXW = 4
MAX_SOCKETS = 8
SOCK_BUF = 2048
MAX_MSG = 1500
MAX_BLOCK_MS = 15000
AGENT_NAME = 'usock-agent 1'

# Frame types (PROTOCOL.md 4.3) and header flags (4.1).
HELLO, HELLO_ACK, ANNOUNCE, ACK, NAK, RESET = 1, 2, 3, 4, 5, 6
BYE, BYE_ACK, LOG = 8, 9, 10
GETADDRINFO, GETNAMEINFO, SOCKET, SETSOCKOPT, GETSOCKOPT = 0x10, 0x11, 0x12, 0x13, 0x14
BIND, LISTEN, CONNECT, SHUTDOWN, CLOSE = 0x15, 0x16, 0x17, 0x18, 0x19
GETSOCKNAME, GETPEERNAME, POLL, CANCEL = 0x1A, 0x1B, 0x1C, 0x1D
DATA, DGRAM, WINDOW = 0x20, 0x21, 0x22
RESULT, ACCEPTED, EOF, SOCKERR = 0x30, 0x31, 0x32, 0x33
F_POLL, F_FINAL, F_MORE, F_RETX, F_WND = 1, 2, 4, 8, 16
HEADER = '<BBBBHHHB'
EXEMPT = (ACK, NAK, RESET, ANNOUNCE)

# RESET reasons (7.5) and NAK reasons (5.3).
R_NO_SESSION, R_VERSION, R_PROTOCOL, R_INTERRUPTED = 1, 2, 3, 4
R_NO_MEMORY, R_PEER_SILENT = 5, 6
NAK_DAMAGED, NAK_GAP, NAK_TOO_LONG = 1, 2, 3

# Timers of PROTOCOL.md 5.7, in milliseconds.
T_GAP = 10
T_DELACK = 5
T_STALL = 20
T_STALL_MAX = 1000
T_ANNOUNCE = 500
T_HOST_GONE = 10000
T_ORPHAN = 60000
T_NO_SESSION = 100
T_BYE_LINGER = 1000
T_CLOSE_LINGER = 10000
RTO_MIN = 20
RTO_INIT = RTO_MIN + 200
RTO_MAX = 2000
# Adaptation under noise (5.4): frame payload and frames in flight.
MIN_CHUNK = 64
CLEAN_TO_GROW = 32

M16 = 0xFFFF
M32 = 0xFFFFFFFF

# Portable numbering (constants.hpp) to the names this port's modules use
# (PROTOCOL.md 9.1): the board translates by name, never by number.
FAMILIES = {2: 'AF_INET', 10: 'AF_INET6'}
TYPES = {1: 'SOCK_STREAM', 2: 'SOCK_DGRAM', 3: 'SOCK_RAW'}
LEVELS = {4095: 'SOL_SOCKET', 6: 'IPPROTO_TCP', 0: 'IPPROTO_IP', 41: 'IPPROTO_IPV6'}
OPTIONS = {
    (4095, 0x4): 'SO_REUSEADDR', (4095, 0x8): 'SO_KEEPALIVE', (4095, 0x20): 'SO_BROADCAST',
    (4095, 0x80): 'SO_LINGER', (4095, 0x200): 'SO_REUSEPORT', (4095, 0x1001): 'SO_SNDBUF',
    (4095, 0x1002): 'SO_RCVBUF', (6, 1): 'TCP_NODELAY', (6, 2): 'TCP_KEEPALIVE',
    (6, 3): 'TCP_KEEPIDLE', (6, 4): 'TCP_KEEPINTVL', (6, 5): 'TCP_KEEPCNT',
    (0, 1): 'IP_TOS', (0, 2): 'IP_TTL', (41, 27): 'IPV6_V6ONLY',
}
AI_FLAGS = ((1, 'AI_PASSIVE'), (2, 'AI_CANONNAME'), (4, 'AI_NUMERICHOST'),
            (8, 'AI_NUMERICSERV'), (16, 'AI_V4MAPPED'), (32, 'AI_ALL'), (64, 'AI_ADDRCONFIG'))
NI_FLAGS = ((1, 'NI_NUMERICHOST'), (2, 'NI_NUMERICSERV'), (4, 'NI_NOFQDN'),
            (8, 'NI_NAMEREQD'), (16, 'NI_DGRAM'))
POLL_BITS = ((1, 'POLLIN'), (4, 'POLLOUT'), (8, 'POLLERR'), (16, 'POLLHUP'))

# errno as Linux numbers it, by name (PROTOCOL.md 9.3).
LINUX_ERRNO = {
    'EPERM': 1, 'ENOENT': 2, 'EIO': 5, 'EBADF': 9, 'EAGAIN': 11, 'EWOULDBLOCK': 11,
    'ENOMEM': 12, 'EACCES': 13, 'EEXIST': 17, 'ENODEV': 19, 'EINVAL': 22, 'ENFILE': 23,
    'EMFILE': 24, 'EPIPE': 32, 'EMSGSIZE': 90, 'ENOPROTOOPT': 92, 'EPROTONOSUPPORT': 93,
    'EOPNOTSUPP': 95, 'ENOTSUP': 95, 'EAFNOSUPPORT': 97, 'EADDRINUSE': 98,
    'EADDRNOTAVAIL': 99, 'ENETDOWN': 100, 'ENETUNREACH': 101, 'ECONNABORTED': 103,
    'ECONNRESET': 104, 'ENOBUFS': 105, 'EISCONN': 106, 'ENOTCONN': 107, 'ETIMEDOUT': 110,
    'ECONNREFUSED': 111, 'EHOSTDOWN': 112, 'EHOSTUNREACH': 113, 'EALREADY': 114,
    'EINPROGRESS': 115, 'ECANCELED': 125,
}
# lwIP's netdb.h resolver codes as glibc's EAI_* (PROTOCOL.md 9.4).
LWIP_EAI = {-200: -2, -210: -2, -201: -8, -202: -4, -212: -4, -203: -10, -204: -6,
            -211: -5, -213: -3}
E_BADF, E_EXIST, E_MFILE, E_NOPROTOOPT = 9, 17, 24, 92
E_PROTONOSUPPORT, E_OPNOTSUPP, E_AFNOSUPPORT = 93, 95, 97
E_TIMEDOUT, E_ALREADY, E_CANCELED, E_NOMEM, E_IO = 110, 114, 125, 12, 5
EAI_NONAME, EAI_FAIL, EAI_FAMILY = -2, -4, -6


class Malformed(Exception):
    # A valid frame whose message breaks the protocol (PROTOCOL.md 3.3).
    pass


class Refused(Exception):
    # A call the board cannot run: a Linux errno and its text.
    def __init__(self, code, text):
        Exception.__init__(self, text)
        self.code = code
        self.text = text


def after(a, b):
    # Serial order of the 16-bit link offsets (PROTOCOL.md 6.1).
    return 0 < ((a - b) & M16) < 0x8000


def after32(a, b):
    return 0 < ((a - b) & M32) < 0x80000000


def u16(n):
    return struct.pack('<H', n & M16)


def u32(n):
    return struct.pack('<I', n & M32)


def str8(text, limit=255):
    raw = text if isinstance(text, (bytes, bytearray)) else text.encode('utf-8')
    raw = cut_utf8(raw, limit)
    return bytes((len(raw),)) + raw


def cut_utf8(raw, limit):
    # Never inside a character: str8 must be well-formed UTF-8.
    if len(raw) <= limit:
        return bytes(raw)
    while limit > 0 and (raw[limit] & 0xC0) == 0x80:
        limit -= 1
    return bytes(raw[:limit])


class Reader:
    # Reads a payload's fields; running past its end is a malformed message.
    def __init__(self, buf):
        self.b = buf
        self.i = 0

    def take(self, n):
        j = self.i + n
        if j > len(self.b):
            raise Malformed('payload too short')
        part = self.b[self.i:j]
        self.i = j
        return part

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack('<H', self.take(2))[0]

    def u32(self):
        return struct.unpack('<I', self.take(4))[0]

    def bytes8(self):
        return bytes(self.take(self.u8()))

    def str8(self):
        try:
            return str(self.bytes8(), 'utf-8')
        except UnicodeError:
            raise Malformed('not UTF-8')

    def rest(self):
        return self.take(len(self.b) - self.i)

    def addr(self):
        # ADDR (PROTOCOL.md 8.1) as (family, host text, port, flowinfo, scope).
        family = self.u8()
        if family == 0:
            return None
        if family == 2:
            packed = bytes(self.take(4))
            return (2, ntop(2, packed), self.u16(), 0, 0)
        if family == 10:
            packed = bytes(self.take(16))
            port = self.u16()
            flow = self.u32()
            return (10, ntop(10, packed), port, flow, self.u32())
        raise Malformed('unknown address family')

    def end(self):
        if self.i != len(self.b):
            raise Malformed('bytes left over')


# Addresses (PROTOCOL.md 9.2). Some ports lack inet_pton/inet_ntop: small
# parsers stand in for them.

def pton(family, host):
    host = host.split('%')[0]
    if hasattr(socket, 'inet_pton'):
        return socket.inet_pton(getattr(socket, FAMILIES[family]), host)
    if family == 2:
        return bytes([int(part) for part in host.split('.')])
    head, _, tail = host.partition('::')
    groups = [g for g in head.split(':') if g]
    back = [g for g in tail.split(':') if g]
    if '.' in (back or groups or [''])[-1]:
        v4 = pton(2, (back or groups).pop())
        back.append('%x' % (v4[0] << 8 | v4[1]))
        back.append('%x' % (v4[2] << 8 | v4[3]))
    groups = groups + ['0'] * (8 - len(groups) - len(back)) + back
    out = bytearray()
    for g in groups:
        out.extend(struct.pack('>H', int(g, 16)))
    return bytes(out)


def ntop(family, packed):
    if hasattr(socket, 'inet_ntop'):
        return socket.inet_ntop(getattr(socket, FAMILIES[family]), packed)
    if family == 2:
        return '.'.join([str(b) for b in packed])
    groups = ['%x' % struct.unpack('>H', packed[i:i + 2])[0] for i in range(0, 16, 2)]
    return ':'.join(groups)


def addr_wire(addr):
    # What the board gives back (tuple or raw sockaddr) as an ADDR.
    if addr is None:
        return b'\x00'
    try:
        if isinstance(addr, tuple):
            host = addr[0]
            if isinstance(host, bytes):
                host = str(host, 'utf-8')
            if ':' in host:
                flow = addr[2] if len(addr) > 2 else 0
                scope = addr[3] if len(addr) > 3 else 0
                return b'\x0a' + pton(10, host) + struct.pack('<HII', addr[1], flow, scope)
            return b'\x02' + pton(2, host) + u16(addr[1])
        raw = bytes(addr)
        if len(raw) >= 8 and raw[0] in (16, 28) and raw[1] in (2, 10):
            family = raw[1]  # lwIP/BSD: length, family
        else:
            family = raw[0] | raw[1] << 8  # Linux: u16 family
        port = raw[2] << 8 | raw[3]
        if family == 2:
            return b'\x02' + raw[4:8] + u16(port)
        if family == 10 and len(raw) >= 24:
            scope = struct.unpack('<I', raw[24:28])[0] if len(raw) >= 28 else 0
            return b'\x0a' + raw[8:24] + struct.pack('<HII', port, 0, scope)
    except (ValueError, OSError, IndexError, TypeError):
        pass
    return b'\x00'


# Errors (PROTOCOL.md 9.3, 9.4).

def err_name(num):
    return errno.errorcode.get(num) if hasattr(errno, 'errorcode') else None


def os_num(e):
    if e.args and isinstance(e.args[0], int):
        return e.args[0]
    return getattr(e, 'errno', None)


def would_block(e):
    num = os_num(e)
    return num is not None and LINUX_ERRNO.get(err_name(num)) == 11


def linux_errno(e):
    # An OSError as (Linux errno, native number, text).
    if isinstance(e, MemoryError):
        return E_NOMEM, 0, 'MemoryError'
    num = os_num(e)
    text = str(e) or repr(e)
    if not isinstance(num, int):
        return E_IO, 0, text
    return LINUX_ERRNO.get(err_name(num), E_IO), num, text


def resolver_code(e):
    num = os_num(e)
    if not isinstance(num, int):
        return EAI_FAIL
    if -12 <= num <= -1:
        return num
    if num < 0:
        return LWIP_EAI.get(num, EAI_FAIL)
    # A positive number is an errno from the resolver (CPython's EAI_SYSTEM
    # carries one): the look-up failed.
    return EAI_FAIL


def strerror(num):
    if hasattr(os, 'strerror'):
        return os.strerror(num)
    return err_name(num) or str(num)


def native(table, portable, what):
    name = table.get(portable)
    value = getattr(socket, name, None) if name else None
    if value is None:
        raise Refused(what, 'no ' + (name or str(portable)) + ' on this board')
    return value


def portable_of(table, value):
    for number, name in table.items():
        if getattr(socket, name, None) == value:
            return number
    return None


def flag_bits(pairs, bits):
    out = 0
    for bit, name in pairs:
        if bits & bit:
            out |= getattr(socket, name, getattr(select, name, 0))
    return out


def portable_bits(pairs, value):
    out = 0
    for bit, name in pairs:
        if value & getattr(select, name, 0):
            out |= bit
    return out


# The line to the host. Each port reads what is there without blocking,
# writes what it can, and names what the poll loop waits on.

class FdPort:
    # A file descriptor pair under CPython: a pty's master, or stdin/stdout.
    rx_win = RX_WIN
    rx_safe = RX_SAFE

    def __init__(self, rfd, wfd, stay):
        self.rfd = rfd
        self.wfd = wfd
        self.stay = stay  # --pty: serve host after host, and no REPL to return to
        self.key_in = rfd
        self.key_out = wfd
        # stdin may be a blocking pipe: read only what poll says is there.
        self.ready = select.poll()
        self.ready.register(rfd, select.POLLIN)

    def readinto(self, mv):
        if not self.ready.poll(0):
            return 0
        try:
            data = os.read(self.rfd, len(mv))
        except BlockingIOError:
            return 0
        except OSError:
            # A pty master reads EIO while nobody holds the terminal side.
            return 0 if self.stay else -1
        if not data:
            return 0 if self.stay else -1
        mv[:len(data)] = data
        return len(data)

    def write(self, mv):
        try:
            return os.write(self.wfd, mv)
        except BlockingIOError:
            return 0
        except OSError:
            if self.stay:
                return 0
            raise


class StreamPort:
    # A MicroPython board's REPL line: sys.stdin.buffer and sys.stdout.buffer,
    # read one byte at a time while poll says more is there (reads block).
    rx_win = RX_WIN
    rx_safe = RX_SAFE

    def __init__(self):
        self.inp = sys.stdin.buffer
        self.out = sys.stdout.buffer
        self.stay = False
        self.key_in = sys.stdin
        self.key_out = None
        self.one = bytearray(1)
        self.ready = select.poll()
        self.ready.register(sys.stdin, select.POLLIN)
        self.has_ipoll = hasattr(self.ready, 'ipoll')

    def waiting(self):
        if self.has_ipoll:
            for _ in self.ready.ipoll(0):
                return True
            return False
        return bool(self.ready.poll(0))

    def readinto(self, mv):
        n = 0
        while n < len(mv) and self.waiting():
            self.inp.readinto(self.one)
            mv[n] = self.one[0]
            n += 1
        return n

    def write(self, mv):
        # Slices of 128 bytes (11 ms at 115200 baud), so the caller can drain
        # the 260-byte stdin ring between them (PROTOCOL.md 6.1).
        n = min(len(mv), 128)
        self.out.write(mv[:n])
        return n


class UartPort:
    # A UART of its own (machine.UART opened with timeout=0, so that reads
    # never wait), the REPL's line left free. Between two reads only the
    # driver's ring of `rxbuf` bytes holds what arrives (PROTOCOL.md 6.1).
    # No REPL behind it: the agent serves host after host, as under --pty.
    stay = True

    def __init__(self, uart, rxbuf):
        # What a host sends before it knows rx_safe (224), and two exempt
        # frames, must fit the ring.
        if rxbuf is None or rxbuf < RX_SAFE + 36:
            raise ValueError('open the UART with rxbuf=260 or more, and pass it as rxbuf')
        self.uart = uart
        self.key_in = uart
        self.key_out = uart
        self.rx_safe = rxbuf - 36
        self.rx_win = min(RX_WIN, self.rx_safe)

    def readinto(self, mv):
        # None: nothing there (timeout=0).
        return self.uart.readinto(mv) or 0

    def write(self, mv):
        return self.uart.write(mv) or 0


if hasattr(bytearray, 'find'):
    def find0(buf, i, end):
        # A bytes needle: MicroPython's find takes no int (TypeError).
        j = buf.find(b'\x00', i, end)
        return end if j < 0 else j
else:
    def find0(buf, i, end):
        while i < end and buf[i]:
            i += 1
        return i


class Link:
    # Framing, go-back-N and link credit (PROTOCOL.md 3, 5, 6) for one line.
    # Its buffers are allocated once, sized by its mtu (frames of up to mtu
    # bytes, an input buffer of two, or what the port's ring allows); the
    # owner feeds it input with pump_in and lets it write with pump_out.

    def __init__(self, port, owner, mtu):
        self.port = port
        self.owner = owner
        self.mtu = mtu
        self.run_cap = mtu + 1 + mtu // 254
        self.rx_win = min(port.rx_win, 2 * mtu)
        self.inq = bytearray(self.rx_win)
        self.inq_mv = memoryview(self.inq)
        self.inq_len = 0
        self.run = bytearray(self.run_cap)
        self.run_mv = memoryview(self.run)
        self.run_len = 0
        self.run_size = 0
        self.body = bytearray(self.run_cap)
        self.body_mv = memoryview(self.body)
        self.tx = bytearray(mtu)
        self.tx_mv = memoryview(self.tx)
        self.max_wire = mtu + 1 + mtu // 254 + 2
        self.out = bytearray(2 * self.max_wire + 64)
        self.out_mv = memoryview(self.out)
        self.out_len = 0
        self.out_pos = 0
        self.tx_end = 0
        self.gap_zero = True
        self.last_write = ticks()
        self.control = []
        self.rx_pos = 0
        self.peer_credit = RX_SAFE
        self.last_exempt = tadd(ticks(), -100000)
        self.stall_due = None
        self.stall_wait = T_STALL
        self.peer_rx_win = RX_SAFE
        self.frame_max = mtu - 15
        self.chunk = MIN_CHUNK
        self.flight = TXW
        self.rto = RTO_INIT
        self.srtt = 0
        self.rttvar = 0
        self.end_session()

    # Session state.

    def start_session(self, peer_rx_win, peer_mtu):
        self.end_session()
        self.in_session = True
        self.peer_rx_win = peer_rx_win
        self.frame_max = min(peer_mtu, self.mtu) - 15
        self.chunk = min(MIN_CHUNK, self.frame_max)
        self.flight = TXW
        self.gap_zero = True
        self.rto = RTO_INIT
        self.srtt = 0
        self.rttvar = 0

    def end_session(self):
        self.in_session = False
        self.unsent = []
        self.inflight = []
        self.resend_from = 0
        self.next_seq = 0
        self.expected = 0
        self.frag = None
        self.delivered = 0
        self.ack_now = False
        self.delack_due = None
        self.nak_reason = 0
        self.nak_for_expected = False
        self.last_nak = ticks()
        self.final_now = False
        self.poll_now = False
        self.rtx_due = None
        self.persist_due = None
        self.went_back = False
        self.go_back_ack = 0
        self.go_back_woff = 0
        self.go_back_at = ticks()
        self.clean = 0
        self.credit_sent = 0

    def send(self, ftype, payload=b'', req=0, sock=0, flags=0):
        if ftype < 8:
            self.control.append((ftype, payload))
            return
        if not self.in_session:
            return
        # Longer messages travel in fragments, all but the last with MORE.
        size = self.chunk
        if ftype == DATA or len(payload) <= size:
            self.unsent.append((ftype, flags, req, sock, payload))
            return
        for at in range(0, len(payload), size):
            more = F_MORE if len(payload) - at > size else 0
            first = flags if at == 0 else flags & ~F_WND
            self.unsent.append((ftype, first | more, req, sock, payload[at:at + size]))

    def backlog(self):
        return len(self.unsent) + len(self.inflight)

    def idle(self):
        return self.out_len == self.out_pos and not self.control

    def all_acknowledged(self):
        return not self.unsent and not self.inflight

    def data_room(self):
        # DATA payload one frame carries now, WND prefix included.
        return self.chunk - 4

    # Receiving.

    def pump_in(self, now):
        # Reads what the line holds into the raw buffer; False if it is gone.
        room = self.rx_win - self.inq_len
        if room <= 0:
            return True
        n = self.port.readinto(self.inq_mv[self.inq_len:])
        if n < 0:
            return False
        self.inq_len += n
        return True

    def process(self, now):
        n = self.inq_len
        if n == 0:
            return
        self.inq_len = 0
        buf = self.inq
        i = 0
        while i < n:
            z = find0(buf, i, n)
            k = z - i
            if k:
                started = self.run_size
                take = min(k, self.run_cap - self.run_len)
                if take > 0:
                    self.run_mv[self.run_len:self.run_len + take] = self.inq_mv[i:i + take]
                    self.run_len += take
                self.run_size += k
                if started < 2 <= self.run_size and self.interrupt_at_start():
                    self.owner.interrupt()
                    return
            if z < n:
                self.rx_pos = (self.rx_pos + z + 1 - i) & M16
                self.end_run(now)
                i = z + 1
            else:
                self.rx_pos = (self.rx_pos + k) & M16
                i = n
        if self.run_size:
            self.stall_wait = T_STALL
            self.stall_due = tadd(now, T_STALL)
        else:
            self.stall_due = None
        # Credit is re-advertised once it grew by a quarter window (6.1).
        if self.in_session and ((self.granted() - self.credit_sent) & M16) >= self.rx_win // 4:
            self.ack_now = True

    def interrupt_at_start(self):
        # PROTOCOL.md 3.5: 03 03 or 0D 03 at the start of a run.
        return self.run[1] == 3 and self.run[0] in (3, 13)

    def granted(self):
        return (self.rx_pos + self.rx_win) & M16

    def end_run(self, now):
        size = self.run_size
        self.run_size = 0
        if size == 0:
            return
        if size > self.run_cap:
            self.run_len = 0
            return self.request_nak(NAK_TOO_LONG, now)
        w = self.decode()
        self.run_len = 0
        if w < 15:
            return self.request_nak(NAK_DAMAGED, now)
        if w > self.mtu:
            return self.request_nak(NAK_TOO_LONG, now)
        crc = binascii.crc32(self.body_mv[:w - 4]) & M32
        if crc != struct.unpack_from('<I', self.body, w - 4)[0]:
            return self.request_nak(NAK_DAMAGED, now)
        self.frame(w, size, now)

    def decode(self):
        # COBS (PROTOCOL.md 3.1), block by block; -1 when a code byte points
        # past the end of the run.
        run = self.run
        rl = self.run_len
        r = 0
        w = 0
        while r < rl:
            code = run[r]
            k = code - 1
            if r + 1 + k > rl:
                return -1
            if k:
                self.body_mv[w:w + k] = self.run_mv[r + 1:r + 1 + k]
            w += k
            r += 1 + k
            if code != 0xFF and r < rl:
                self.body[w] = 0
                w += 1
        return w

    def frame(self, w, size, now):
        ftype, flags, seq, ack, credit, woff, req, sock = struct.unpack_from(HEADER, self.body, 0)
        # Every valid frame tells where the host's numbering stands (6.1).
        self.rx_pos = (woff + size + 1) & M16
        payload = self.body_mv[11:w - 4]
        owner = self.owner
        if ftype == HELLO:
            self.peer_credit = credit
        elif self.in_session and after(credit, self.peer_credit):
            self.peer_credit = credit
        owner.last_heard = now
        if ftype == HELLO or ftype == RESET:
            return owner.control_frame(ftype, flags, req, sock, payload, now)
        if ftype == ACK:
            if flags & ~(F_POLL | F_FINAL | F_RETX) or req or sock or len(payload):
                return owner.protocol_error('malformed ACK')
            if self.in_session:
                self.on_ack(ack, now)
            if flags & F_POLL:
                self.final_now = True
            return
        if ftype == NAK:
            # 9 bytes: a NAK with the `held` bitmap (5.3), which go-back-N ignores.
            if len(payload) not in (1, 9) or not 1 <= payload[0] <= 3 or req or sock:
                return owner.protocol_error('malformed NAK')
            if self.in_session:
                self.on_nak(ack, credit, now)
            return
        if not owner.host_sends(ftype):
            return owner.protocol_error('unexpected frame type 0x%02x' % ftype)
        if not self.in_session:
            return owner.out_of_session(now)
        self.on_ack(ack, now)
        if seq == self.expected:
            self.expected = (seq + 1) & 0xFF
            self.nak_for_expected = False
            self.delivered += 1
            if self.delivered >= 2:
                self.ack_now = True
            elif self.delack_due is None:
                self.delack_due = tadd(now, T_DELACK)
            self.reassemble(ftype, flags, req, sock, payload, now)
        elif 1 <= ((self.expected - seq) & 0xFF) <= 128:
            self.ack_now = True  # a duplicate: the host must learn where we are
        else:
            self.request_nak(NAK_GAP, now)

    def reassemble(self, ftype, flags, req, sock, payload, now):
        frag = self.frag
        if frag is not None:
            if (ftype, req, sock) != frag[0][:3] or flags & F_WND:
                self.frag = None
                return self.owner.protocol_error('fragment of another message')
            if len(frag[1]) + len(payload) > MAX_MSG:
                self.frag = None
                return self.owner.protocol_error('message longer than max_msg')
            frag[1].extend(payload)
            if flags & F_MORE:
                return
            self.frag = None
            head = frag[0]
            return self.owner.message(head[0], head[3], head[1], head[2], frag[1], now)
        if flags & F_MORE:
            self.frag = ((ftype, req, sock, flags & ~F_MORE), bytearray(payload))
            return
        self.owner.message(ftype, flags, req, sock, payload, now)

    def request_nak(self, reason, now):
        # Again for the same frame only after a frame's time on the line (5.3).
        if not self.in_session:
            return
        if self.nak_for_expected and tdiff(now, self.last_nak) < 2:
            return
        self.nak_reason = reason

    def on_ack(self, a, now):
        inflight = self.inflight
        if not inflight:
            return
        released = (a - inflight[0][0] + 1) & 0xFF
        if released == 0 or released > len(inflight):
            return
        newest = inflight[released - 1]
        if not newest[6]:
            self.sample(tdiff(now, newest[5]))
        elif self.srtt:
            self.rto = max(RTO_MIN, min(self.srtt + 4 * self.rttvar, RTO_MAX))
        del inflight[:released]
        self.resend_from = max(0, self.resend_from - released)
        self.rtx_due = tadd(now, self.rto) if inflight else None
        self.clean += released
        while self.clean >= CLEAN_TO_GROW:
            self.clean -= CLEAN_TO_GROW
            self.chunk = min(2 * self.chunk, self.frame_max)
            self.flight = min(self.flight + 1, TXW)

    def on_nak(self, a, credit, now):
        self.on_ack(a, now)
        if not self.inflight:
            return
        if self.went_back and a == self.go_back_ack:
            # A repeat of the go-back under way, unless the host had read past
            # the go-back's first byte: then it NAKs the retransmission (5.4).
            read_at_least = (credit - self.peer_rx_win) & M16
            if not after(read_at_least, self.go_back_woff) and \
                    tdiff(now, self.go_back_at) < self.srtt // 2:
                return
        self.on_loss()
        self.go_back(now)

    def go_back(self, now):
        self.resend_from = 0
        self.went_back = True
        self.go_back_at = now
        self.go_back_ack = (self.inflight[0][0] - 1) & 0xFF

    def on_loss(self):
        self.chunk = max(MIN_CHUNK, self.chunk // 2)
        self.flight = max(2, self.flight // 2)
        self.clean = 0

    def sample(self, r):
        if not self.srtt:
            self.srtt = max(r, 1)
            self.rttvar = r // 2
        else:
            self.rttvar = (3 * self.rttvar + abs(self.srtt - r)) // 4
            self.srtt = max((7 * self.srtt + r) // 8, 1)
        self.rto = max(RTO_MIN, min(self.srtt + 4 * self.rttvar, RTO_MAX))

    # Sending.

    def credit_covers(self, offset):
        return after(self.peer_credit, offset)

    def exempt_allowed(self, now):
        # Without credit, one exempt frame per RTO at most (6.1).
        rto = self.rto if self.in_session else RTO_INIT
        return self.credit_covers(self.tx_end) or tdiff(now, self.last_exempt) >= rto

    def paid_fits(self, size):
        window = self.peer_rx_win if self.in_session else RX_SAFE
        wire = size + 17 + (size + 15) // 254 + 1
        return self.credit_covers((self.tx_end + min(wire, window) - 1) & M16)

    def encode(self, ftype, flags, seq, req, sock, payload, now):
        tx = self.tx
        n = 11 + len(payload)
        if self.out_len == self.out_pos and tdiff(now, self.last_write) >= T_GAP:
            self.gap_zero = True
        out = self.out
        p = self.out_len
        if self.gap_zero:
            out[p] = 0
            p += 1
            self.gap_zero = False
        woff = (self.tx_end + p - self.out_len) & M16
        credit = self.granted() if ftype != ANNOUNCE else 0
        struct.pack_into(HEADER, tx, 0, ftype, flags, seq, (self.expected - 1) & 0xFF,
                         credit, woff, req, sock)
        if payload:
            self.tx_mv[11:n] = payload
        struct.pack_into('<I', tx, n, binascii.crc32(self.tx_mv[:n]) & M32)
        n += 4
        i = 0
        while True:
            end = min(n, i + 254)
            z = find0(tx, i, end)
            k = z - i
            out[p] = k + 1
            if k:
                self.out_mv[p + 1:p + 1 + k] = self.tx_mv[i:z]
            p += 1 + k
            if z < end:
                i = z + 1
            elif k == 254:
                i = z
            else:
                break
        out[p] = 0
        p += 1
        self.tx_end = (self.tx_end + p - self.out_len) & M16
        self.out_len = p
        if ftype in EXEMPT and not self.credit_covers(self.tx_end):
            self.last_exempt = now
        self.credit_sent = credit if ftype != ANNOUNCE else self.credit_sent
        self.delivered = 0
        self.delack_due = None
        self.ack_now = False

    def room(self):
        if self.out_pos == self.out_len:
            self.out_pos = self.out_len = 0
        return len(self.out) - self.out_len

    def fill(self, now):
        blocked = False
        while self.room() >= self.max_wire + 1:
            if self.nak_reason and self.exempt_allowed(now):
                self.encode(NAK, 0, self.next_seq, 0, 0, bytes((self.nak_reason,)), now)
                self.nak_reason = 0
                self.nak_for_expected = True
                self.last_nak = now
                continue
            if self.control:
                ftype, payload = self.control[0]
                if ftype in EXEMPT:
                    if not self.exempt_allowed(now):
                        break
                elif not self.paid_fits(len(payload)):
                    blocked = True
                    break
                self.control.pop(0)
                self.encode(ftype, 0, self.next_seq, 0, 0, payload, now)
                continue
            if not self.in_session:
                break
            if self.resend_from < len(self.inflight):
                frame = self.inflight[self.resend_from]
                if not self.paid_fits(len(frame[4])):
                    blocked = True
                    break
                if self.resend_from == 0:
                    self.go_back_woff = self.tx_end
                self.resend_from += 1
                frame[6] = True
                self.gap_zero = True  # flushes a half frame the host holds (3.1)
                self.encode(frame[1], frame[2] | F_RETX, frame[0], frame[3], frame[7],
                            frame[4], now)
            else:
                if not self.unsent or len(self.inflight) >= self.flight:
                    break
                ftype, flags, req, sock, payload = self.unsent[0]
                if not self.paid_fits(len(payload)):
                    blocked = True
                    break
                self.unsent.pop(0)
                seq = self.next_seq
                self.next_seq = (seq + 1) & 0xFF
                self.encode(ftype, flags, seq, req, sock, payload, now)
                self.inflight.append([seq, ftype, flags, req, payload, now, False, sock])
                self.resend_from = len(self.inflight)
            if self.rtx_due is None:
                self.rtx_due = tadd(now, self.rto)
        if (self.in_session and self.ack_now) or self.final_now or self.poll_now:
            if self.room() >= 24 and self.exempt_allowed(now):
                flags = (F_FINAL if self.final_now else 0) | (F_POLL if self.poll_now else 0)
                self.encode(ACK, flags, self.next_seq, 0, 0, b'', now)
                self.final_now = False
                self.poll_now = False
        # Stuck for credit: probe if no advertisement comes (persist timer).
        if not blocked:
            self.persist_due = None
        elif self.persist_due is None:
            self.persist_due = tadd(now, self.rto if self.in_session else RTO_INIT)

    def pump_out(self, now):
        # Writes what the line takes now; on a board, between slices, it
        # drains the stdin ring into the raw buffer.
        while self.out_pos < self.out_len:
            n = self.port.write(self.out_mv[self.out_pos:self.out_len])
            if not n:
                return False
            self.out_pos += n
            self.last_write = now
            if not CPYTHON:
                self.pump_in(now)
        return True

    def on_timer(self, now):
        if self.rtx_due is not None and tdiff(now, self.rtx_due) >= 0:
            if self.inflight:
                self.on_loss()
                self.go_back(now)
                self.rto = min(2 * self.rto, RTO_MAX)
                self.rtx_due = tadd(now, self.rto)
            else:
                self.rtx_due = None
        if self.delack_due is not None and tdiff(now, self.delack_due) >= 0:
            self.ack_now = True
            self.delack_due = None
        if self.stall_due is not None and tdiff(now, self.stall_due) >= 0:
            # The host may be stuck in the middle of a frame for want of credit.
            self.ack_now = True
            self.stall_wait = min(2 * self.stall_wait, T_STALL_MAX)
            self.stall_due = tadd(now, self.stall_wait)
        if self.persist_due is not None and tdiff(now, self.persist_due) >= 0:
            self.persist_due = tadd(now, 2 * self.rto)
            self.poll_now = self.in_session  # its FINAL answer carries fresh credit

    def next_timer(self):
        due = None
        for t in (self.rtx_due, self.delack_due, self.stall_due, self.persist_due):
            if t is not None and (due is None or tdiff(t, due) < 0):
                due = t
        return due


class Sock:
    # One socket of the session and its credit both ways (PROTOCOL.md 6.2);
    # counters are u32 in serial order, as on the wire.
    def __init__(self, s, family, stype, host_win):
        self.s = s
        self.family = family
        self.stype = stype
        self.stream = stype == getattr(socket, 'SOCK_STREAM', 1)
        self.connected = False
        self.listening = False
        self.connect_req = 0
        self.connect_addr = None
        self.failed = False  # a cancelled CONNECT: calls get ETIMEDOUT
        self.broken = False  # SOCKERR sent: nothing more moves
        self.eof_sent = False
        self.read_shut = False
        self.pushed = 0
        self.host_limit = host_win
        self.held = None  # a datagram waiting for credit: (ADDR, data)
        self.received = 0
        self.written = 0
        self.granted = SOCK_BUF
        self.unwritten = b''
        self.accepted = 0
        self.accept_limit = 0
        self.shutdown_req = 0
        self.shutdown_how = 2
        self.close_req = 0
        self.close_due = None
        self.mask = 0

    def credit_left(self):
        return (self.host_limit - self.pushed) & M32 if after32(self.host_limit, self.pushed) else 0

    def grant_due(self):
        # A quarter of the window consumed (6.2); on a datagram socket any
        # consumption, since a datagram goes only whole.
        fresh = (self.written + SOCK_BUF - self.granted) & M32
        return fresh >= SOCK_BUF // 4 if self.stream else fresh != 0

    def next_grant(self):
        self.granted = (self.written + SOCK_BUF) & M32
        return self.granted


def sockaddr_for(sk, addr):
    # bind/connect/sendto take what getaddrinfo builds, which every port
    # accepts and which costs no DNS for a numeric host (PROTOCOL.md 9.2).
    family, host, port, flow, scope = addr
    if family == 10 and scope:
        return (host, port, flow, scope)
    return socket.getaddrinfo(host, port, sk.family, sk.stype)[0][-1]


class Agent:
    def __init__(self, port, injected=False, mtu=MTU):
        self.port = port
        self.injected = injected
        self.link = Link(port, self, mtu)
        self.boot_id = self.new_boot_id()
        self.session = False
        self.nonce = None
        self.hello_ack = None
        self.send_log = False
        self.sockwin = 65536
        self.acceptwin = 4
        self.socks = {}
        self.poller = select.poll()
        self.poller.register(port.key_in, select.POLLIN)
        self.out_watched = False
        self.by_key = {}
        now = ticks()
        self.last_heard = now
        self.last_no_session = tadd(now, -1000)
        self.next_announce = now
        self.orphan_since = now
        self.bye_due = None
        self.bye_exit = False
        self.stopped = False
        self.caps = self.detect_caps()
        self.gc_due = now

    def new_boot_id(self):
        # Never 0: a RESET from the host carries boot id 0.
        boot = 0
        while boot == 0:
            if hasattr(os, 'urandom'):
                boot = struct.unpack('<I', os.urandom(4))[0]
            else:
                import random
                random.seed(ticks() ^ time.ticks_us())
                boot = random.getrandbits(32)
        return boot

    def detect_caps(self):
        sock_type = socket.socket
        caps = 0
        for bit, present in (
                (0, hasattr(socket, 'AF_INET6')), (1, hasattr(socket, 'SOCK_DGRAM')),
                (2, hasattr(sock_type, 'listen')), (3, hasattr(sock_type, 'getsockname')),
                (4, hasattr(sock_type, 'getpeername')), (5, hasattr(sock_type, 'shutdown')),
                (6, hasattr(sock_type, 'getsockopt')), (7, hasattr(socket, 'getnameinfo')),
                (9, True), (11, hasattr(socket, 'AI_CANONNAME'))):
            if present:
                caps |= 1 << bit
        return caps

    # Session (PROTOCOL.md 7).

    def announce(self):
        self.link.send(ANNOUNCE, MAGIC + bytes((VERSION, VERSION)) + u32(self.boot_id))

    def reset(self, reason, detail):
        self.link.send(RESET, bytes((reason,)) + u32(self.boot_id) + str8(detail, 120))

    def end_session(self, now, abortive=True):
        self.close_all(abortive)
        self.session = False
        self.nonce = None
        self.bye_due = None
        self.link.end_session()
        self.next_announce = now
        self.orphan_since = now

    def host_sends(self, ftype):
        return ftype == BYE or GETADDRINFO <= ftype <= CANCEL or DATA <= ftype <= WINDOW

    def protocol_error(self, detail):
        now = ticks()
        self.end_session(now)
        self.reset(R_PROTOCOL, detail)

    def out_of_session(self, now):
        if tdiff(now, self.last_no_session) >= T_NO_SESSION:
            self.last_no_session = now
            self.reset(R_NO_SESSION, 'no session')

    def interrupt(self):
        # PROTOCOL.md 3.5. Under --pty there is no REPL to return to: the
        # session ends and the agent announces again, as a reset board would.
        now = ticks()
        if self.session:
            self.end_session(now)
            self.reset(R_INTERRUPTED, 'interrupted')
        if not self.port.stay:
            self.stopped = True

    def control_frame(self, ftype, flags, req, sock, payload, now):
        if flags or req or sock:
            return self.protocol_error('malformed header')
        try:
            rd = Reader(payload)
            if ftype == RESET:
                reason = rd.u8()
                rd.u32()
                rd.str8()
                rd.end()
                if not 1 <= reason <= 7:
                    raise Malformed('unknown reason')
                if self.session:
                    self.end_session(now)
                return
            self.hello(rd, now)
        except Malformed as e:
            self.protocol_error('HELLO: ' + str(e))

    def hello(self, rd, now):
        if bytes(rd.take(4)) != MAGIC:
            raise Malformed('bad magic')
        vmin, vmax, nonce, rx_win, mtu, txw = struct.unpack('<BBIHHB', rd.take(11))
        sockwin, acceptwin, flags = struct.unpack('<IBH', rd.take(7))
        rd.str8()
        if not 1 <= vmin <= vmax or rx_win > 16384 or mtu < 256 or not 1 <= txw <= 64:
            raise Malformed('bad version range or limits')
        if not vmin <= VERSION <= vmax:
            if self.session:
                self.end_session(now)
            self.link.send(HELLO_ACK, MAGIC + bytes((0, VERSION, VERSION)))
            return
        if not self.session or nonce != self.nonce:
            # A new host, or one that died without BYE: its session replaces
            # the old one (PROTOCOL.md 7.2).
            self.end_session(now)
            self.session = True
            self.nonce = nonce
            self.sockwin = sockwin
            self.acceptwin = acceptwin
            self.send_log = bool(flags & 1)
            self.link.start_session(rx_win, mtu)
            self.hello_ack = self.hello_ack_payload(nonce)
        # The same nonce again: the HELLO_ACK was lost; the same answer.
        self.link.send(HELLO_ACK, self.hello_ack)

    def hello_ack_payload(self, nonce):
        gc.collect()
        free = gc.mem_free() if hasattr(gc, 'mem_free') else 0
        alloc = gc.mem_alloc() if hasattr(gc, 'mem_alloc') else 0
        impl = sys.implementation
        impl_text = impl.name + ' ' + '.'.join([str(n) for n in impl.version[:3]])
        machine = os.uname().machine if hasattr(os, 'uname') else ''
        fixed = len(sys.platform) + len(impl_text) + len(AGENT_NAME)
        head = MAGIC + struct.pack(
            '<BBBIIHHHBBIHHIIII', VERSION, VERSION, VERSION, nonce, self.boot_id,
            self.link.rx_win, self.port.rx_safe, self.link.mtu, TXW, MAX_SOCKETS, SOCK_BUF, MAX_MSG,
            MAX_BLOCK_MS, self.caps, 0, free & M32, alloc & M32)
        return (head + str8(sys.platform) + str8(impl_text) +
                str8(machine, max(0, 190 - fixed)) + str8(AGENT_NAME))

    def log(self, level, text):
        # PROTOCOL.md 7.4: diagnostics go to the host, never to print().
        if self.session and self.send_log:
            self.link.send(LOG, bytes((level,)) + cut_utf8(text.encode('utf-8'), 200))

    # Messages (PROTOCOL.md 8).

    def message(self, ftype, flags, req, sock, payload, now):
        try:
            self.check_header(ftype, flags, req, sock)
            if ftype == BYE:
                if len(payload) != 1 or payload[0] & ~1:
                    raise Malformed('BYE flags')
                return self.bye(payload[0] & 1, now)
            if ftype == DATA:
                return self.data(sock, flags, payload)
            if ftype == DGRAM:
                return self.dgram(sock, flags, payload)
            if ftype == WINDOW:
                rd = Reader(payload)
                limit = rd.u32()
                rd.end()
                return self.window(sock, limit)
            if ftype == CANCEL:
                if len(payload):
                    raise Malformed('CANCEL payload')
                return self.cancel(req, sock)
            if self.pending(req):
                raise Malformed('request id reused while its call is pending')
            self.call(ftype, req, sock, Reader(payload))
        except Malformed as e:
            self.protocol_error('0x%02x: %s' % (ftype, e))

    def check_header(self, ftype, flags, req, sock):
        # PROTOCOL.md 4.3: req and sock as the type requires them.
        is_call = GETADDRINFO <= ftype <= POLL
        if (req != 0) != (is_call or ftype == CANCEL):
            raise Malformed('req')
        if ftype == SOCKET:
            ok = 1 <= sock <= 127
        elif ftype in (GETADDRINFO, GETNAMEINFO, POLL, BYE):
            ok = sock == 0
        elif ftype == CANCEL:
            ok = sock <= 254
        else:
            ok = 1 <= sock <= 254
        if not ok:
            raise Malformed('sock')
        if flags & F_WND and ftype not in (DATA, DGRAM):
            raise Malformed('WND')

    def pending(self, req):
        for sk in self.socks.values():
            if req in (sk.connect_req, sk.close_req, sk.shutdown_req):
                return True
        return False

    def result(self, req, sock, body=b''):
        self.link.send(RESULT, b'\x00\x00' + body, req, sock)

    def failure(self, req, sock, code, num, text):
        self.link.send(RESULT, struct.pack('<hi', code, num) + str8(text, 120), req, sock)

    def refuse(self, req, sock, e):
        if isinstance(e, Refused):
            return self.failure(req, sock, e.code, e.code, e.text)
        code, num, text = linux_errno(e)
        self.failure(req, sock, code, num, text)

    def call(self, ftype, req, sock, rd):
        try:
            if ftype == GETADDRINFO:
                return self.getaddrinfo(req, rd)
            if ftype == GETNAMEINFO:
                return self.getnameinfo(req, rd)
            if ftype == POLL:
                return self.poll_call(req, rd)
            if ftype == SOCKET:
                return self.socket_call(req, sock, rd)
            sk = self.socks.get(sock)
            if sk is None or sk.close_req:
                self.args_of(ftype, rd)
                return self.failure(req, sock, E_BADF, E_BADF, 'bad socket id')
            if sk.failed and ftype != CLOSE:
                self.args_of(ftype, rd)
                return self.failure(req, sock, E_TIMEDOUT, E_TIMEDOUT, 'connect cancelled')
            self.socket_op(ftype, req, sock, sk, rd)
        except (OSError, MemoryError, Refused) as e:
            self.refuse(req, sock, e)

    def args_of(self, ftype, rd):
        # The arguments of a call that is refused anyway must still be well
        # formed: a malformed message is a protocol error whoever it names.
        if ftype == SETSOCKOPT:
            rd.u16()
            rd.u16()
            rd.bytes8()
        elif ftype == GETSOCKOPT:
            rd.take(5)
        elif ftype in (BIND, CONNECT):
            rd.addr()
        elif ftype == LISTEN:
            rd.u16()
        elif ftype == SHUTDOWN:
            if rd.u8() > 2:
                raise Malformed('how')
        rd.end()

    def getaddrinfo(self, req, rd):
        given, family, stype, proto, flags = struct.unpack('<BBBBB', rd.take(5))
        port = rd.u16()
        host = rd.str8()
        rd.end()
        if given & ~3 or (not given & 1 and host) or (not given & 2 and port):
            raise Malformed('given')
        af = native(FAMILIES, family, E_AFNOSUPPORT) if family else 0
        st = native(TYPES, stype, E_PROTONOSUPPORT) if stype else 0
        try:
            found = socket.getaddrinfo(host if given & 1 else None, port if given & 2 else None,
                                       af, st, proto, flag_bits(AI_FLAGS, flags))
        except OSError as e:
            return self.failure(req, 0, resolver_code(e), os_num(e) or 0, str(e))
        body = bytearray()
        count = 0
        for entry in found:
            fam = portable_of(FAMILIES, entry[0])
            if fam is None or count == 255:
                continue
            body.extend(bytes((portable_of(TYPES, entry[1]) or 0, entry[2] & 0xFF)))
            body.extend(str8(entry[3] or ''))
            body.extend(addr_wire(entry[4]))
            count += 1
        if not count:
            return self.failure(req, 0, EAI_NONAME, 0, 'no address')
        self.result(req, 0, bytes((count,)) + body)

    def getnameinfo(self, req, rd):
        flags = rd.u8()
        addr = rd.addr()
        rd.end()
        if addr is None or not hasattr(socket, 'getnameinfo'):
            return self.failure(req, 0, EAI_FAIL, 0, 'no getnameinfo')
        target = (addr[1], addr[2], addr[3], addr[4]) if addr[0] == 10 else (addr[1], addr[2])
        try:
            host, service = socket.getnameinfo(target, flag_bits(NI_FLAGS, flags))
        except OSError as e:
            return self.failure(req, 0, resolver_code(e), os_num(e) or 0, str(e))
        self.result(req, 0, str8(host) + str8(service))

    def poll_call(self, req, rd):
        entries = [(rd.u8(), rd.u8()) for _ in range(rd.u8())]
        rd.end()
        out = bytearray((len(entries),))
        for sock, events in entries:
            if not 1 <= sock <= 254:
                raise Malformed('sock')
            sk = self.socks.get(sock)
            revents = 8
            if sk is not None:
                probe = select.poll()
                probe.register(sk.s, flag_bits(POLL_BITS, events))
                ready = probe.poll(0)
                revents = portable_bits(POLL_BITS, ready[0][1]) if ready else 0
                probe.unregister(sk.s)
            out.extend(bytes((sock, revents)))
        self.result(req, 0, bytes(out))

    def socket_call(self, req, sock, rd):
        family, stype, proto = struct.unpack('<BBB', rd.take(3))
        rd.end()
        if sock in self.socks:
            return self.failure(req, sock, E_EXIST, E_EXIST, 'socket id in use')
        if len(self.socks) >= MAX_SOCKETS:
            return self.failure(req, sock, E_MFILE, E_MFILE, 'too many sockets')
        af = native(FAMILIES, family, E_AFNOSUPPORT)
        st = native(TYPES, stype, E_PROTONOSUPPORT)
        s = socket.socket(af, st, proto) if proto else socket.socket(af, st)
        s.setblocking(False)
        self.socks[sock] = Sock(s, af, st, self.sockwin)
        self.result(req, sock)

    def local_addr(self, sk):
        if not self.caps & 8:
            return b'\x00'
        try:
            return addr_wire(sk.s.getsockname())
        except OSError:
            return b'\x00'

    def socket_op(self, ftype, req, sock, sk, rd):
        s = sk.s
        if ftype == SETSOCKOPT:
            level, optname = rd.u16(), rd.u16()
            value = rd.bytes8()
            rd.end()
            lvl = native(LEVELS, level, E_NOPROTOOPT)
            opt = native(OPTIONS, (level, optname), E_NOPROTOOPT)
            s.setsockopt(lvl, opt, struct.unpack('<i', value)[0] if len(value) == 4 else value)
            return self.result(req, sock)
        if ftype == GETSOCKOPT:
            level, optname, size = struct.unpack('<HHB', rd.take(5))
            rd.end()
            lvl = native(LEVELS, level, E_NOPROTOOPT)
            opt = native(OPTIONS, (level, optname), E_NOPROTOOPT)
            if not hasattr(s, 'getsockopt'):
                raise Refused(E_NOPROTOOPT, 'no getsockopt on this board')
            try:
                value = s.getsockopt(lvl, opt, size)
            except TypeError:
                value = struct.pack('<i', s.getsockopt(lvl, opt))
            if isinstance(value, int):
                value = struct.pack('<i', value)
            return self.result(req, sock, str8(value[:size]))
        if ftype == BIND:
            addr = rd.addr()
            rd.end()
            if addr is None:
                raise Malformed('BIND without an address')
            s.bind(sockaddr_for(sk, addr))
            return self.result(req, sock, self.local_addr(sk))
        if ftype == LISTEN:
            backlog = rd.u16()
            rd.end()
            s.listen(backlog)
            sk.listening = True
            sk.accept_limit = self.acceptwin
            return self.result(req, sock)
        if ftype == CONNECT:
            addr = rd.addr()
            rd.end()
            if addr is None:
                raise Malformed('CONNECT without an address')
            if sk.connect_req:
                return self.failure(req, sock, E_ALREADY, E_ALREADY, 'connect under way')
            sk.connect_addr = sockaddr_for(sk, addr)
            try:
                s.connect(sk.connect_addr)
            except OSError as e:
                name = err_name(os_num(e))
                if name not in ('EINPROGRESS', 'EAGAIN', 'EWOULDBLOCK', 'EALREADY'):
                    raise
                # Answered when the socket becomes writable (connect_done).
                sk.connect_req = req
                return
            sk.connected = True
            return self.result(req, sock, self.local_addr(sk))
        if ftype == SHUTDOWN:
            how = rd.u8()
            rd.end()
            if how > 2:
                raise Malformed('how')
            if how != 0 and sk.unwritten:
                # Ordered after the DATA before it (PROTOCOL.md 8.3).
                sk.shutdown_req = req
                sk.shutdown_how = how
                return
            s.shutdown(how)
            sk.read_shut = sk.read_shut or how != 1
            return self.result(req, sock)
        rd.end()
        if ftype == CLOSE:
            if sk.unwritten and not sk.broken:
                sk.close_req = req
                sk.close_due = tadd(ticks(), T_CLOSE_LINGER)
                return
            self.drop(sock, False)
            return self.result(req, sock)
        if ftype == GETSOCKNAME:
            return self.result(req, sock, addr_wire(s.getsockname()))
        if ftype == GETPEERNAME:
            return self.result(req, sock, addr_wire(s.getpeername()))
        raise Refused(E_OPNOTSUPP, 'not supported')

    def cancel(self, req, sock):
        # Only a CONNECT waits on the board; another call has its RESULT.
        sk = self.socks.get(sock)
        if sk is None or sk.connect_req != req:
            return
        sk.connect_req = 0
        sk.failed = True
        self.failure(req, sock, E_CANCELED, E_CANCELED, 'cancelled')

    def data(self, sock, flags, payload):
        rd = Reader(payload)
        limit = rd.u32() if flags & F_WND else None
        data = rd.rest()
        if not len(data):
            raise Malformed('no data')
        sk = self.socks.get(sock)
        if sk is None:
            return  # DATA for an unknown id is discarded (8.3)
        if limit is not None:
            sk.host_limit = limit
        size = len(data)
        if after32((sk.received + size) & M32, sk.granted):
            raise Malformed('DATA beyond the socket credit')
        sk.received = (sk.received + size) & M32
        if sk.broken:
            sk.written = (sk.written + size) & M32
            return
        if not sk.unwritten and sk.connected and not sk.connect_req:
            # Straight into the socket; only what it does not take is kept.
            sent = self.write_some(sock, sk, data)
            if sent < 0:
                return
            data = data[sent:]
        if len(data):
            sk.unwritten = sk.unwritten + bytes(data)

    def write_some(self, sock, sk, data):
        try:
            sent = sk.s.send(data)
        except OSError as e:
            if would_block(e):
                return 0
            self.break_socket(sock, sk, e)
            return -1
        sent = sent or 0
        sk.written = (sk.written + sent) & M32
        return sent

    def dgram(self, sock, flags, payload):
        rd = Reader(payload)
        limit = rd.u32() if flags & F_WND else None
        addr = rd.addr()
        data = bytes(rd.rest())
        sk = self.socks.get(sock)
        if sk is None:
            return
        if limit is not None:
            sk.host_limit = limit
        size = len(data)
        if after32((sk.received + size) & M32, sk.granted):
            raise Malformed('DGRAM beyond the socket credit')
        sk.received = (sk.received + size) & M32
        sk.written = (sk.written + size) & M32
        try:
            if addr is None:
                sk.s.send(data)
            else:
                sk.s.sendto(data, sockaddr_for(sk, addr))
        except OSError as e:
            # A datagram the stack cannot take now is lost, as on a network.
            if not would_block(e):
                self.sockerr(sock, e)

    def window(self, sock, limit):
        sk = self.socks.get(sock)
        if sk is None:
            return
        if sk.listening:
            sk.accept_limit = limit
        else:
            sk.host_limit = limit

    def sockerr(self, sock, e):
        code, num, text = linux_errno(e)
        self.link.send(SOCKERR, struct.pack('<hi', code, num) + str8(text, 120), 0, sock)

    def break_socket(self, sock, sk, e):
        sk.broken = True
        sk.written = (sk.written + len(sk.unwritten)) & M32
        sk.unwritten = b''
        self.sockerr(sock, e)

    def bye(self, exit_flag, now):
        self.close_all(False)
        self.link.send(BYE_ACK)
        # The BYE_ACK lingers until acknowledged or a second passes.
        self.bye_due = tadd(now, T_BYE_LINGER)
        self.bye_exit = exit_flag and not self.port.stay

    # Sockets: what each waits for, and what it does when ready.

    def drop(self, sock, abortive):
        sk = self.socks.pop(sock, None)
        if sk is None:
            return
        if sk.mask:
            self.poller.unregister(sk.s)
            self.by_key.pop(self.key(sk.s), None)
        if abortive and CPYTHON:
            try:
                # RST, as a board whose stack restarts.
                sk.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            except OSError:
                pass
        try:
            sk.s.close()
        except OSError:
            pass

    def close_all(self, abortive):
        for sock in list(self.socks):
            self.drop(sock, abortive)

    def key(self, s):
        # CPython's poll reports descriptors, MicroPython's the objects.
        return s.fileno() if CPYTHON else id(s)

    def free_device_id(self):
        if len(self.socks) >= MAX_SOCKETS:
            return 0
        for sock in range(128, 255):
            if sock not in self.socks:
                return sock
        return 0

    def may_read(self, sk):
        if self.link.backlog() >= TXW + 2 or sk.broken or sk.close_req:
            return False
        if sk.listening:
            return after32(sk.accept_limit, sk.accepted) and self.free_device_id() != 0
        if sk.read_shut or sk.eof_sent or not sk.credit_left():
            return False
        if sk.stream:
            return sk.connected and not sk.connect_req
        return sk.held is None

    def watch(self, sock, sk):
        mask = 0
        if self.may_read(sk):
            mask |= select.POLLIN
        if sk.connect_req or (sk.unwritten and sk.connected and not sk.broken):
            mask |= select.POLLOUT
        if mask == sk.mask:
            return
        # Level-triggered poll reports a hang-up even to a socket that asked
        # for nothing: a socket waiting for nothing leaves the set.
        if mask == 0:
            self.poller.unregister(sk.s)
            self.by_key.pop(self.key(sk.s), None)
        elif sk.mask == 0:
            self.poller.register(sk.s, mask)
            self.by_key[self.key(sk.s)] = sock
        else:
            self.poller.modify(sk.s, mask)
        sk.mask = mask

    def on_ready(self, sock, sk, events, now):
        hup = events & (select.POLLERR | select.POLLHUP)
        if sk.connect_req and (events & select.POLLOUT or hup):
            self.connect_done(sock, sk)
        if sk.unwritten and sk.connected and not sk.connect_req and (events & select.POLLOUT or hup):
            sent = self.write_some(sock, sk, sk.unwritten)
            if sent > 0:
                sk.unwritten = sk.unwritten[sent:]
        if self.may_read(sk) and (events & select.POLLIN or hup):
            if sk.listening:
                self.accept(sock, sk)
            else:
                self.read(sock, sk)

    def service(self, sock, sk, now):
        if sk.held is not None:
            self.push_datagram(sock, sk)
        if sk.grant_due() and not sk.listening:
            self.link.send(WINDOW, u32(sk.next_grant()), 0, sock)
        if sk.shutdown_req and not sk.unwritten:
            req = sk.shutdown_req
            sk.shutdown_req = 0
            try:
                sk.s.shutdown(sk.shutdown_how)
                sk.read_shut = sk.read_shut or sk.shutdown_how == 2
                self.result(req, sock)
            except OSError as e:
                self.refuse(req, sock, e)
        if sk.close_req and (not sk.unwritten or tdiff(now, sk.close_due) >= 0):
            req = sk.close_req
            # After the linger the close is abortive (PROTOCOL.md 8.3).
            self.drop(sock, bool(sk.unwritten))
            self.result(req, sock)
            return
        self.watch(sock, sk)

    def connect_done(self, sock, sk):
        req = sk.connect_req
        try:
            if hasattr(socket, 'SO_ERROR') and self.caps & 64:
                err = sk.s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise OSError(err, strerror(err))
            else:
                # No SO_ERROR here: connecting again tells how the first ended.
                try:
                    sk.s.connect(sk.connect_addr)
                except OSError as e:
                    name = err_name(os_num(e))
                    if name in ('EINPROGRESS', 'EALREADY'):
                        return
                    if name != 'EISCONN':
                        raise
            sk.connect_req = 0
            sk.connected = True
            self.result(req, sock, self.local_addr(sk))
        except OSError as e:
            sk.connect_req = 0
            self.refuse(req, sock, e)

    def accept(self, sock, sk):
        new = self.free_device_id()
        try:
            got = sk.s.accept()
        except OSError as e:
            if not would_block(e):
                # A connection reset while queued concerns only itself.
                self.log(3, 'accept: ' + str(e))
            return
        # QuecPython returns (conn, address, port).
        conn = got[0]
        peer = got[1] if len(got) == 2 else (got[1], got[2])
        conn.setblocking(False)
        child = Sock(conn, sk.family, sk.stype, self.sockwin)
        child.connected = True
        self.socks[new] = child
        sk.accepted = (sk.accepted + 1) & M32
        self.link.send(ACCEPTED, bytes((new,)) + addr_wire(peer) + self.local_addr(child), 0,
                       sock)

    def read(self, sock, sk):
        try:
            if sk.stream:
                want = min(sk.credit_left(), self.link.data_room())
                data = sk.s.recv(want)
                if data is None:
                    return
                if not data:
                    sk.eof_sent = True
                    self.link.send(EOF, b'', 0, sock)
                    return
                if sk.grant_due():
                    self.link.send(DATA, u32(sk.next_grant()) + data, 0, sock, F_WND)
                else:
                    self.link.send(DATA, data, 0, sock)
                sk.pushed = (sk.pushed + len(data)) & M32
                return
            data, addr = sk.s.recvfrom(MAX_MSG)
            sk.held = (addr_wire(addr), data)
        except OSError as e:
            if not would_block(e):
                self.break_socket(sock, sk, e)

    def push_datagram(self, sock, sk):
        # A datagram goes only if all of it fits the credit (6.2).
        addr, data = sk.held
        if after32((sk.pushed + len(data)) & M32, sk.host_limit):
            return
        sk.held = None
        sk.pushed = (sk.pushed + len(data)) & M32
        if sk.grant_due():
            self.link.send(DGRAM, u32(sk.next_grant()) + addr + data, 0, sock, F_WND)
        else:
            self.link.send(DGRAM, addr + data, 0, sock)

    # The loop.

    def timers(self, now):
        link = self.link
        link.on_timer(now)
        if self.session and self.bye_due is not None and (
                link.all_acknowledged() or tdiff(now, self.bye_due) >= 0):
            self.end_session(now, False)
            if self.bye_exit:
                self.stopped = True
        if self.session and tdiff(now, self.last_heard) >= T_HOST_GONE:
            self.end_session(now)
            self.reset(R_PEER_SILENT, 'host silent')
        if not self.session:
            if link.idle() and tdiff(now, self.next_announce) >= 0:
                self.announce()
                self.next_announce = tadd(now, T_ANNOUNCE)
            if self.injected and tdiff(now, self.orphan_since) >= T_ORPHAN:
                self.stopped = True
        for sock, sk in list(self.socks.items()):
            self.service(sock, sk, now)

    def wait_ms(self, now):
        due = self.link.next_timer()
        if self.session:
            for t in (self.bye_due, tadd(self.last_heard, T_HOST_GONE)):
                if t is not None and (due is None or tdiff(t, due) < 0):
                    due = t
        elif self.link.idle() and (due is None or tdiff(self.next_announce, due) < 0):
            # An ANNOUNCE waits for a line that takes bytes: while a pty
            # nobody reads is full, its due time must not spin the loop.
            due = self.next_announce
        for sk in self.socks.values():
            if sk.close_req and (due is None or tdiff(sk.close_due, due) < 0):
                due = sk.close_due
        if due is None:
            return 1000
        return max(0, min(1000, tdiff(due, now)))

    def watch_out(self, want):
        # The line is written to without waiting; a line that takes nothing
        # now wakes the loop by its descriptor.
        port = self.port
        if port.key_out is None or want == self.out_watched:
            return
        self.out_watched = want
        if port.key_out == port.key_in:
            self.poller.modify(port.key_in, select.POLLIN | (select.POLLOUT if want else 0))
        elif want:
            self.poller.register(port.key_out, select.POLLOUT)
        else:
            self.poller.unregister(port.key_out)

    def step(self):
        link = self.link
        now = ticks()
        if not link.pump_in(now):
            self.stopped = True
            return
        link.process(now)
        if self.stopped:
            return
        self.timers(now)
        link.fill(now)
        written = link.pump_out(now)
        self.watch_out(not written)
        if link.inq_len:
            return
        events = self.poller.poll(self.wait_ms(now))
        now = ticks()
        for event in events:
            key = event[0]
            if not CPYTHON:
                key = id(key)
            sock = self.by_key.get(key)
            sk = self.socks.get(sock) if sock else None
            if sk is not None:
                self.on_ready(sock, sk, event[1], now)

    def serve(self):
        self.link.gap_zero = True
        while not self.stopped:
            try:
                self.step()
            except MemoryError:
                self.close_all(True)
                gc.collect()
                if self.session:
                    now = ticks()
                    self.end_session(now)
                    self.reset(R_NO_MEMORY, 'out of memory')
        # What is still queued goes out before the line is handed back.
        link = self.link
        now = ticks()
        link.fill(now)
        for _ in range(100):
            if link.pump_out(now):
                break
            time.sleep_ms(10) if hasattr(time, 'sleep_ms') else time.sleep(0.01)
        self.close_all(False)


# Entry points.

def open_pty():
    # A pseudo-terminal whose terminal side we hold open ourselves, so the
    # master never reads a hang-up while no host has the path open or
    # between two hosts; raw, so nothing is echoed or translated.
    import termios
    import tty
    master, keeper = os.openpty()
    tty.setraw(keeper)
    attrs = termios.tcgetattr(keeper)
    attrs[6][termios.VMIN] = 0
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(keeper, termios.TCSANOW, attrs)
    os.set_blocking(master, False)
    return master, keeper, os.ttyname(keeper)


def main(injected=False, pty=None, uart=None, rxbuf=None, mtu=MTU):
    # uart: a machine.UART opened with timeout=0 (and rxbuf=rxbuf), to serve
    # instead of the REPL's line. mtu: the largest frame body, 256 to 1024;
    # a smaller link needs less heap for a little less throughput
    # (PROTOCOL.md 7.7, 12.1).
    global BOARD_OPT_LEVEL
    restore = None
    keeper = None
    esp = None
    on_repl = False
    try:
        if not 256 <= mtu <= MTU:
            raise ValueError('mtu must be 256 to 1024')
        if pty is None:
            pty = CPYTHON and '--pty' in sys.argv[1:]
        if uart is not None:
            port = UartPort(uart, rxbuf)
        elif pty:
            master, keeper, path = open_pty()
            print(path)
            sys.stdout.flush()
            port = FdPort(master, master, True)
        elif CPYTHON:
            rfd, wfd = sys.stdin.fileno(), sys.stdout.fileno()
            if os.isatty(rfd):
                import termios
                import tty
                restore = termios.tcgetattr(rfd)
                # TCSANOW: the default TCSAFLUSH would discard what the host
                # was sent but has not read yet, such as the raw REPL's OK.
                tty.setraw(rfd, termios.TCSANOW)
            port = FdPort(rfd, wfd, False)
        else:
            port = StreamPort()
        try:
            import esp
            esp.osdebug(None)  # ESP-IDF logs must not land inside frames
        except (ImportError, AttributeError):
            esp = None
        # 0x03 inside a frame is data, not Ctrl-C, on the REPL's line. A UART
        # of its own leaves the REPL its Ctrl-C: how a user stops the agent.
        on_repl = micropython is not None and hasattr(micropython, 'kbd_intr') and uart is None
        if on_repl:
            micropython.kbd_intr(-1)
        Agent(port, injected, mtu).serve()
    finally:
        if on_repl:
            micropython.kbd_intr(3)
        if esp is not None:
            esp.osdebug(0)
        if restore is not None:
            import termios
            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, restore)
        if keeper is not None:
            os.close(keeper)
        if BOARD_OPT_LEVEL is not None:
            micropython.opt_level(BOARD_OPT_LEVEL)
            BOARD_OPT_LEVEL = None


# Run as a script (CPython, the MicroPython unix port). Text uploaded through
# the raw REPL is not a script: the uploader appends `main(injected=True)`.
if __name__ == '__main__' and sys.argv and sys.argv[0].endswith('usock_agent.py'):
    main()
