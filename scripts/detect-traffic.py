#!/usr/bin/env python3
"""detect-traffic.py - traffic for the detector's labelled captures (python3 stdlib only).

  serve   --bind ADDR --ports 80,8080 [--ready FILE]   accept, answer "ok", close
  clients --host H --port P --rate R --duration D [--threads N] [--bind ADDR]
          many short connections, paced to R per second (real kernel handshakes)
  scan    --host H --ports 1-1024 --bind ADDR [--rate R]
          connect() scan, one port after the other
  flood   --dst H --port P --rate R --duration D (--src-cidr CIDR... | --src ADDR)
          raw IPv4 SYNs (IP_HDRINCL), only for when 'rawshake send' is missing

Every address used must be a documentation address (192.0.2.0/24,
198.51.100.0/24, 203.0.113.0/24); anything else is refused.
"""
import argparse
import ipaddress
import os
import random
import selectors
import socket
import struct
import sys
import threading
import time

DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]


def doc_only(addr):
    a = ipaddress.ip_address(addr)
    if not any(a in n for n in DOC_NETS):
        sys.exit("refusing non-documentation address %s" % addr)
    return addr


def port_list(spec):
    """'80,443,8000-8199' -> [80, 443, 8000, ..., 8199]"""
    ports = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        ports.extend(range(int(lo), int(hi or lo) + 1))
    return sorted(set(ports))


def serve(args):
    socks = []
    for p in port_list(args.ports):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((doc_only(args.bind) if args.bind != "0.0.0.0" else "0.0.0.0", p))
        s.listen(4096)
        s.setblocking(False)
        socks.append(s)

    def answer(c):
        try:
            c.settimeout(2)
            c.recv(100)
            c.sendall(b"ok\n")
        except OSError:
            pass
        c.close()

    # One thread waits on every listening socket (there may be hundreds);
    # each accepted connection is answered on a thread of its own.
    def accept_loop():
        sel = selectors.DefaultSelector()
        for s in socks:
            sel.register(s, selectors.EVENT_READ)
        while True:
            for key, _ in sel.select():
                try:
                    c, _ = key.fileobj.accept()
                except OSError:
                    continue
                c.setblocking(True)
                threading.Thread(target=answer, args=(c,), daemon=True).start()

    for _ in range(4):
        threading.Thread(target=accept_loop, daemon=True).start()
    if args.ready:
        open(args.ready, "w").close()
    while True:
        time.sleep(3600)


def clients(args):
    doc_only(args.host)
    per = args.rate / args.threads
    end = time.monotonic() + args.duration
    done = [0] * args.threads
    errs = [0] * args.threads

    def worker(k):
        nxt = time.monotonic() + k / args.rate
        while nxt < end:
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.settimeout(3)
                if args.bind:
                    s.bind((doc_only(args.bind), 0))
                s.connect((args.host, args.port))
                s.sendall(b"hi\n")
                while s.recv(100):
                    pass
                s.close()
                done[k] += 1
            except OSError:
                errs[k] += 1
            nxt += 1.0 / per
            d = nxt - time.monotonic()
            if d > 0:
                time.sleep(d)

    ts = [threading.Thread(target=worker, args=(k,)) for k in range(args.threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("clients: %d connections, %d errors" % (sum(done), sum(errs)), file=sys.stderr)


def scan(args):
    doc_only(args.host)
    lo, hi = (int(x) for x in args.ports.split("-"))
    opened = 0
    for p in range(lo, hi + 1):
        t0 = time.monotonic()
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(1)
        s.bind((doc_only(args.bind), 0))
        try:
            s.connect((args.host, p))
            opened += 1
        except OSError:
            pass
        s.close()
        d = 1.0 / args.rate - (time.monotonic() - t0)
        if d > 0:
            time.sleep(d)
    print("scan: %d ports, %d open" % (hi - lo + 1, opened), file=sys.stderr)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def syn(src, dst, sport, dport, seq):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    c = csum(s + d + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, random.getrandbits(16), 0, 64, 6, 0, s, d)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def flood(args):
    doc_only(args.dst)
    nets = [ipaddress.ip_network(c) for c in (args.src_cidr or [])]
    for n in nets:
        if not any(n.subnet_of(d) for d in DOC_NETS):
            sys.exit("refusing non-documentation network %s" % n)
    if args.src:
        doc_only(args.src)
    lo = hi = args.port
    if args.ports:
        lo, hi = (int(x) for x in args.ports.split("-"))
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    r.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    n = int(args.rate * args.duration)
    t0 = time.monotonic()
    for i in range(n):
        if args.src:
            src = args.src
        else:
            net = nets[i % len(nets)]
            src = str(net[random.randrange(1, net.num_addresses - 1)])
        port = random.randrange(lo, hi + 1) if args.ports else args.port
        r.sendto(syn(src, args.dst, random.randrange(1024, 65535), port,
                     random.getrandbits(32)), (args.dst, 0))
        d = t0 + (i + 1) / args.rate - time.monotonic()
        if d > 0:
            time.sleep(d)
    print("flood: %d SYNs" % n, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--ports", default="80")
    p.add_argument("--ready")
    p = sub.add_parser("clients")
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--rate", type=float, default=100)
    p.add_argument("--duration", type=float, default=3)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--bind")
    p = sub.add_parser("scan")
    p.add_argument("--host", required=True)
    p.add_argument("--ports", default="1-1024")
    p.add_argument("--bind", required=True)
    p.add_argument("--rate", type=float, default=500)
    p = sub.add_parser("flood")
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, default=80)
    p.add_argument("--rate", type=float, default=300)
    p.add_argument("--duration", type=float, default=3)
    p.add_argument("--src-cidr", action="append")
    p.add_argument("--ports", help="LO-HI: a random destination port per SYN")
    p.add_argument("--src")
    a = ap.parse_args()
    {"serve": serve, "clients": clients, "scan": scan, "flood": flood}[a.cmd](a)


if __name__ == "__main__":
    main()
