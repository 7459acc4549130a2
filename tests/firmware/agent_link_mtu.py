# The agent's link at each mtu main(mtu=N) allows: its buffers are sized by
# it, and no frame it sends carries a body longer than it, a message of
# MAX_MSG bytes and a full DATA frame included (PROTOCOL.md 3.2, 7.7).
#
#   python3 agent_link_mtu.py AGENT

import importlib.util
import sys

spec = importlib.util.spec_from_file_location('usock_agent', sys.argv[1])
agent = importlib.util.module_from_spec(spec)
spec.loader.exec_module(agent)

failures = []


def expect(what, ok):
    print('%s: %s' % ('ok' if ok else 'FAIL', what))
    if not ok:
        failures.append(what)


class Line:
    # A port that takes every byte and keeps them.
    stay = True
    key_in = None
    key_out = None

    def __init__(self, rx_win, rx_safe):
        self.rx_win = rx_win
        self.rx_safe = rx_safe
        self.written = bytearray()

    def readinto(self, mv):
        return 0

    def write(self, mv):
        self.written += bytes(mv)
        return len(mv)


def frames_sent(mtu, rx_win=2048):
    # The COBS runs a link of this mtu writes for a 1,500-byte RESULT and a
    # full DATA frame, every frame acknowledged and credit plenty.
    line = Line(rx_win, 224)
    link = agent.Link(line, None, mtu)
    link.start_session(16384, 4096)
    link.chunk = link.frame_max  # a clean line: full frames at once
    link.send(agent.RESULT, b'r' * agent.MAX_MSG, req=1)
    link.send(agent.DATA, b'd' * link.data_room(), sock=1)
    now = agent.ticks()
    for _ in range(64):
        link.peer_credit = (link.tx_end + 8192) & 0xFFFF
        link.fill(now)
        link.pump_out(now)
        if link.inflight:
            link.on_ack(link.inflight[-1][0], now)
    return link, [run for run in bytes(line.written).split(b'\0') if run]


for mtu in (256, 300, 512, 1024):
    link, runs = frames_sent(mtu)
    # A body of n bytes is n + 1 + n // 254 bytes of COBS.
    longest = max(len(run) for run in runs)
    expect('mtu %d: buffers of its size and a window of twice it' % mtu,
           len(link.tx) == mtu and len(link.inq) == link.rx_win == min(2048, 2 * mtu))
    expect('mtu %d: %d frames, none with a body over it (longest run %d bytes)'
           % (mtu, len(runs), longest),
           len(runs) > 2 and longest <= mtu + 1 + mtu // 254)

link = agent.Link(Line(224, 224), None, 256)
expect('a UART ring smaller than twice the mtu keeps its own window', link.rx_win == 224)

sys.exit(1 if failures else 0)
