#!/usr/bin/env python3
"""relay.py - a userspace Ethernet "wire" between two interfaces, with
netem-like impairments, for kernels without sch_netem.

usage: relay.py --a IF --b IF [--delay-ms MS] [--drop DIR:N[,N...]]
                [--hold DIR:N] [--ready FILE] [--max-seconds S]

Frames read from --a (AF_PACKET, incoming only) are written to --b and vice
versa, unchanged.  DIR is a2b or b2a.  Impairments count only TCP segments
that carry payload ("data segments", IPv4 or IPv6), numbered from 1 per
direction:

  --delay-ms MS   every frame in both directions is delivered MS later
  --drop a2b:3    the 3rd data segment a->b is silently dropped (once; a
                  retransmission is a new data segment with a new number)
  --hold a2b:2    the 2nd data segment a->b is held back and released right
                  after the next frame in that direction (reordering), or
                  after --hold-max-ms at the latest

Runs until SIGTERM/SIGINT or --max-seconds (default 60).
"""
import argparse
import heapq
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def data_len(frame):
    """payload length if the frame is a TCP segment, else -1"""
    if len(frame) < 14:
        return -1
    et = struct.unpack("!H", frame[12:14])[0]
    p = frame[14:]
    if et == 0x0800 and len(p) >= 20:
        ihl = (p[0] & 15) * 4
        if p[9] != 6 or len(p) < ihl + 20:
            return -1
        tot = struct.unpack("!H", p[2:4])[0]
        doff = (p[ihl + 12] >> 4) * 4
        return tot - ihl - doff
    if et == 0x86DD and len(p) >= 60:
        if p[6] != 6:
            return -1
        plen = struct.unpack("!H", p[4:6])[0]
        doff = (p[40 + 12] >> 4) * 4
        return plen - doff
    return -1


def parse_rule(spec):
    out = {}
    for item in spec or []:
        d, ns = item.split(":")
        if d not in ("a2b", "b2a"):
            raise SystemExit("bad direction " + d)
        out.setdefault(d, set()).update(int(n) for n in ns.split(","))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a", required=True)
    p.add_argument("--b", required=True)
    p.add_argument("--delay-ms", type=float, default=0.0)
    p.add_argument("--drop", action="append")
    p.add_argument("--hold", action="append")
    p.add_argument("--hold-max-ms", type=float, default=500.0)
    p.add_argument("--ready", default="")
    p.add_argument("--max-seconds", type=float, default=60.0)
    a = p.parse_args()
    drops = parse_rule(a.drop)
    holds = parse_rule(a.hold)

    socks = {}
    for name in ("a", "b"):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((getattr(a, name), ETH_P_ALL))
        s.setblocking(False)
        socks[name] = s
    other = {"a": "b", "b": "a"}
    count = {"a2b": 0, "b2a": 0}
    held = {}                 # dir -> (deadline, frame)
    queue = []                # (release_time, seq, out_name, frame)
    seq = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    end = time.monotonic() + a.max_seconds
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("%d\n" % os.getpid())

    def log(*m):
        print("[relay]", *m, file=sys.stderr, flush=True)

    def enqueue(out, frame, when):
        """deliver frame at monotonic time when (ties keep arrival order)"""
        nonlocal seq
        seq += 1
        heapq.heappush(queue, (when, seq, out, frame))

    while not stop and time.monotonic() < end:
        now = time.monotonic()
        timeout = 0.5
        if queue:
            timeout = min(timeout, max(0.0, queue[0][0] - now))
        for d, (dl, _) in held.items():
            timeout = min(timeout, max(0.0, dl - now))
        try:
            r, _, _ = select.select(list(socks.values()), [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for name, s in socks.items():
            if s not in r:
                continue
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                now = time.monotonic()
                d = "a2b" if name == "a" else "b2a"
                out = other[name]
                n = data_len(frame)
                if n > 0:
                    count[d] += 1
                    k = count[d]
                    if k in drops.get(d, ()):
                        log("drop %s data segment #%d (%d bytes)" % (d, k, n))
                        continue
                    if k in holds.get(d, ()):
                        log("hold %s data segment #%d (%d bytes)" % (d, k, n))
                        held[d] = (now + a.hold_max_ms / 1000.0, frame)
                        continue
                when = now + a.delay_ms / 1000.0
                enqueue(out, frame, when)
                if d in held and n > 0:
                    # right behind this frame, before anything read later
                    log("release held %s segment after #%d" % (d, count[d]))
                    enqueue(out, held.pop(d)[1], when)
        for d in list(held):
            if held[d][0] <= now:
                log("release held %s segment (timeout)" % d)
                enqueue("b" if d == "a2b" else "a", held.pop(d)[1], now + a.delay_ms / 1000.0)
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                socks[out].send(frame)
            except OSError as e:
                log("send:", e)
    log("exit; data segments seen", count)


if __name__ == "__main__":
    main()
