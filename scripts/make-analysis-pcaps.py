#!/usr/bin/env python3
"""make-analysis-pcaps.py: crafted captures for the tracker's analysis
(analysis without false alarms, RFC 9293 teardown states), written byte
by byte with struct: Ethernet, IPv4 and TCP with
correct checksums, 192.0.2.1:40000 (client) <-> 192.0.2.2:8080 (server).

Each one holds a situation a kernel in the lab does not produce on
demand (capture reordering, segments the capture dropped, a close where
one segment ACKs a FIN and carries the other), with timestamps as a
capture next to the server would see them: the server answers within
50 us, the client's answers come 20 ms later.

    python3 scripts/make-analysis-pcaps.py [OUTDIR]   (default: pcaps/)

The files are committed; the output is the same on every run.
"""
import os
import struct

from pcapcraft import csum
import sys

CLIENT = bytes([192, 0, 2, 1])
SERVER = bytes([192, 0, 2, 2])
CMAC = bytes([2, 0, 0, 0, 0, 1])
SMAC = bytes([2, 0, 0, 0, 0, 2])
CPORT, SPORT = 40000, 8080
CISN, SISN = 1000000, 5000000

F, S, R, P, A = 0x01, 0x02, 0x04, 0x08, 0x10


class Cap:
    def __init__(self):
        self.t = 1700000000.0
        self.recs = []
        self.ipid = {True: 100, False: 200}

    def seg(self, from_client, flags, seq, ack, payload=b"", win=502, dt=0.0, sack=None):
        """One segment; seq and ack relative to the ISNs; dt seconds later."""
        self.t += dt
        src, dst = (CLIENT, SERVER) if from_client else (SERVER, CLIENT)
        sp, dp = (CPORT, SPORT) if from_client else (SPORT, CPORT)
        aseq = ((CISN if from_client else SISN) + seq) & 0xffffffff
        aack = ((SISN if from_client else CISN) + ack) & 0xffffffff if flags & A else 0
        opts = b""
        if flags & S:
            opts = struct.pack("!BBH", 2, 4, 1460) + b"\x01\x03\x03\x07"   # MSS, nop, wscale 7
        if sack:
            base = CISN if not from_client else SISN
            opts = b"\x01\x01" + struct.pack("!BB", 5, 2 + 8 * len(sack))
            for le, re in sack:
                opts += struct.pack("!II", (base + le) & 0xffffffff, (base + re) & 0xffffffff)
        hl = 20 + len(opts)
        tcp = struct.pack("!HHIIBBHHH", sp, dp, aseq, aack, (hl // 4) << 4, flags, win, 0, 0)
        tcp += opts
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        c = csum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        self.ipid[from_client] += 1
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload),
                         self.ipid[from_client], 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth = (SMAC if from_client else CMAC) + (CMAC if from_client else SMAC) + b"\x08\x00"
        self.recs.append((self.t, eth + ip + tcp + payload))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
            for t, frame in self.recs:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def handshake(c):
    c.seg(True, S, 0, 0, win=64240)
    c.seg(False, S | A, 0, 1, win=65160, dt=0.00005)
    c.seg(True, A, 1, 1, dt=0.020)


def late_ack():
    """1000 bytes, the server's ACK of 2000, then bytes 1001..3000: the
    capture shows the segment after the ACK that covers half of it."""
    c = Cap()
    handshake(c)
    c.seg(True, P | A, 1, 1, b"a" * 1000, dt=0.001)
    c.seg(False, A, 1, 2001, dt=0.00005)
    c.seg(True, P | A, 1001, 1, b"b" * 2000, dt=0.00001)
    c.seg(False, A, 1, 3001, dt=0.00005)
    c.seg(True, F | A, 3001, 1, dt=0.001)
    c.seg(False, F | A, 1, 3002, dt=0.00005)
    c.seg(True, A, 3002, 2, dt=0.020)
    return c


def fin_ack_close():
    """Client FIN; the server's FIN+ACK acknowledges it and carries 35
    bytes (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT in one segment), then
    a second connection whose server FIN,PSH,ACK with 35 bytes comes
    after it acknowledged the client's FIN."""
    c = Cap()
    handshake(c)
    c.seg(True, P | A, 1, 1, b"GET / HTTP/1.0\r\n\r\n", dt=0.001)
    c.seg(False, A, 1, 19, dt=0.00005)
    c.seg(True, F | A, 19, 1, dt=0.001)
    c.seg(False, F | P | A, 1, 20, b"x" * 35, dt=0.00005)
    c.seg(True, A, 20, 37, dt=0.020)
    return c


def fin_data_close():
    """Four-way close whose second FIN carries data: [FIN,PSH,ACK] len 35."""
    c = Cap()
    handshake(c)
    c.seg(True, P | A, 1, 1, b"GET / HTTP/1.0\r\n\r\n", dt=0.001)
    c.seg(True, F | A, 19, 1, dt=0.0001)
    c.seg(False, A, 1, 20, dt=0.00005)
    c.seg(False, F | P | A, 1, 20, b"y" * 35, dt=0.001)
    c.seg(True, A, 20, 37, dt=0.020)
    return c


def zero_window_acks():
    """The server's window closes with client data outstanding and it
    repeats its ACK with window 0 three times: zero-window ACKs."""
    c = Cap()
    handshake(c)
    c.seg(True, P | A, 1, 1, b"z" * 500, dt=0.001)
    c.seg(True, P | A, 501, 1, b"z" * 500, dt=0.0001)
    c.seg(False, A, 1, 501, win=0, dt=0.00005)
    c.seg(False, A, 1, 501, win=0, dt=0.2)
    c.seg(False, A, 1, 501, win=0, dt=0.4)
    c.seg(False, A, 1, 1001, win=502, dt=0.8)
    c.seg(True, F | A, 1001, 1, dt=0.001)
    c.seg(False, F | A, 1, 1002, dt=0.00005)
    c.seg(True, A, 1002, 2, dt=0.020)
    return c


def client_side_only():
    """The client's segments only (SYN, ACK, 50 bytes, the ACKs of the
    server's data, FIN, last ACK): Zeek's history is SADF, no gap."""
    c = Cap()
    c.seg(True, S, 0, 0, win=64240)
    c.seg(True, A, 1, 1, dt=0.020)
    c.seg(True, P | A, 1, 1, b"q" * 50, dt=0.001)
    c.seg(True, A, 51, 1001, dt=0.021)
    c.seg(True, A, 51, 2001, dt=0.001)
    c.seg(True, A, 51, 3001, dt=0.001)
    c.seg(True, F | A, 51, 3001, dt=0.001)
    c.seg(True, A, 52, 3002, dt=0.021)
    return c


def capture_drops():
    """A capture that dropped two of the client's segments (the server got
    them: its ACKs cover them), then a loss on the wire repaired by a fast
    retransmission after three duplicate ACKs, and a spurious one."""
    c = Cap()
    handshake(c)
    seq = 1
    for i in range(10):
        if i not in (3, 7):                        # not captured
            c.seg(True, P | A, seq, 1, b"d" * 100, dt=0.0001)
        seq += 100
        if i % 2:
            c.seg(False, A, 1, seq, dt=0.00005)
    # Segment 1101 is lost on the wire (before the capture point); the
    # three after it bring three duplicate ACKs with SACK blocks.
    c.seg(True, P | A, 1001, 1, b"e" * 100, dt=0.001)
    c.seg(False, A, 1, 1101, dt=0.00005)
    for k in range(3):
        c.seg(True, P | A, 1201 + 100 * k, 1, b"e" * 100, dt=0.0001)
        c.seg(False, A, 1, 1101, dt=0.00005, sack=[(1201, 1301 + 100 * k)])
    c.seg(True, P | A, 1101, 1, b"e" * 100, dt=0.005)   # fast retransmission
    c.seg(False, A, 1, 1501, dt=0.00005)
    c.seg(True, P | A, 1401, 1, b"e" * 100, dt=0.3)     # spurious: already acked
    c.seg(False, A, 1, 1501, dt=0.00005)
    c.seg(True, F | A, 1501, 1, dt=0.001)
    c.seg(False, F | A, 1, 1502, dt=0.00005)
    c.seg(True, A, 1502, 2, dt=0.020)
    return c


CAPTURES = {
    "late-ack.pcap": late_ack,
    "close-fin-ack.pcap": fin_ack_close,
    "close-fin-data.pcap": fin_data_close,
    "zero-window-acks.pcap": zero_window_acks,
    "onedir-client-acks.pcap": client_side_only,
    "capture-drops.pcap": capture_drops,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "pcaps")
    for name, make in CAPTURES.items():
        make().write(os.path.join(out, name))
        print("wrote", os.path.join(out, name))


if __name__ == "__main__":
    main()
