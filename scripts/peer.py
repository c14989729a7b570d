#!/usr/bin/env python3
"""peer.py - client/server roles with ordinary sockets, used by make-pcaps.sh.

usage: peer.py ROLE [options]

Every role is bounded in time (socket timeouts, --timeout overall alarm).
Only the addresses passed on the command line are used; make-pcaps.sh passes
documentation addresses (192.0.2.0/24, 2001:db8::/32) or 127.0.0.1 inside a
private namespace.
"""
import argparse
import os
import signal
import socket
import struct
import sys
import time

REQUEST = b"GET / HTTP/1.0\r\n\r\n"
RESPONSE = (b"HTTP/1.0 200 OK\r\n"
            b"Server: rawshake-lab\r\n"
            b"Content-Type: text/plain\r\n"
            b"Content-Length: 6\r\n"
            b"\r\n"
            b"hello\n")


def log(*a):
    print("[peer %s]" % ROLE, *a, file=sys.stderr, flush=True)


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def touch(path):
    if path:
        with open(path, "w") as f:
            f.write("%d\n" % os.getpid())


def recv_until(s, marker=None, nbytes=None):
    """read until marker seen / nbytes read / EOF; return data"""
    data = b""
    while True:
        if marker is not None and marker in data:
            return data
        if nbytes is not None and len(data) >= nbytes:
            return data
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            log("connection reset by peer")
            return data
        if not chunk:
            return data
        data += chunk


def linger_rst(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def sleep_until(t):
    d = t - time.time()
    if d > 0:
        time.sleep(d)


def listener(a, rcvbuf=None):
    s = socket.socket(family(a.bind), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((a.bind, a.port))
    s.listen(4)
    s.settimeout(a.timeout)
    return s


def client_sock(a, opts=None):
    s = socket.socket(family(a.host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for (lvl, opt), val in (opts or {}).items():
        s.setsockopt(lvl, opt, val)
    if a.sport:
        b = a.bind
        if family(a.host) == socket.AF_INET6 and b in ("", "0.0.0.0"):
            b = "::"
        s.bind((b, a.sport))
    s.settimeout(a.timeout)
    return s


# ---------------------------------------------------------------- servers
def srv_http(a):
    """request/response; waits for the client's FIN, pauses, then closes"""
    ls = listener(a)
    touch(a.ready)
    for _ in range(a.count):
        c, peer = ls.accept()
        c.settimeout(a.timeout)
        req = recv_until(c, b"\r\n\r\n")
        log("request from", peer, req[:20])
        if a.mode == "abort":          # rst-server: abortive close after reply
            c.sendall(RESPONSE)
            time.sleep(a.pause)
            linger_rst(c)
            c.close()
            continue
        if a.mode == "close-first":    # server closes first (port-reuse)
            c.sendall(RESPONSE)
            c.close()
            continue
        if a.mode == "half-close":     # keep talking after the client's FIN
            rest = recv_until(c)       # until EOF (client shut down writing)
            log("got EOF after", len(rest), "more bytes")
            for i in range(a.chunks):
                c.sendall(b"chunk %d after your FIN\n" % i)
                time.sleep(a.pause)
            c.close()
            continue
        c.sendall(RESPONSE)
        rest = recv_until(c)           # until client's FIN (or RST)
        time.sleep(a.pause)
        c.close()
    ls.close()


def srv_slow(a):
    """tiny receive buffer, does not read for --pause seconds (zero window)"""
    ls = listener(a, rcvbuf=a.rcvbuf)
    touch(a.ready)
    c, _ = ls.accept()
    c.settimeout(a.timeout)
    time.sleep(a.pause)
    total = 0
    while True:
        d = c.recv(65536)
        if not d:
            break
        total += len(d)
    log("read", total)
    c.close()
    ls.close()


def srv_sink(a):
    """read everything until EOF, reply with a byte count, close"""
    ls = listener(a)
    touch(a.ready)
    for _ in range(a.count):
        c, _ = ls.accept()
        c.settimeout(a.timeout)
        data = recv_until(c)
        c.sendall(b"got %d bytes\n" % len(data))
        time.sleep(a.pause)
        c.close()
    ls.close()


def srv_echo(a):
    """one connection: echo whatever arrives until EOF, then close"""
    ls = listener(a)
    touch(a.ready)
    c, _ = ls.accept()
    c.settimeout(a.timeout)
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    time.sleep(a.pause)
    c.close()
    ls.close()


def srv_simclose(a):
    """accept, send 'sync <t>', then both ends close() at wall-clock t"""
    ls = listener(a)
    touch(a.ready)
    c, _ = ls.accept()
    c.settimeout(a.timeout)
    t = time.time() + 1.0
    c.sendall(b"sync %.6f\n" % t)
    sleep_until(t)
    c.close()
    time.sleep(1.0)
    ls.close()


def srv_udp(a):
    s = socket.socket(family(a.bind), socket.SOCK_DGRAM)
    s.bind((a.bind, a.port))
    s.settimeout(a.timeout)
    touch(a.ready)
    data, peer = s.recvfrom(2048)
    s.sendto(b"pong: " + data, peer)
    s.close()


# ---------------------------------------------------------------- clients
def cli_http(a):
    s = client_sock(a)
    s.connect((a.host, a.port))
    s.sendall(REQUEST)
    resp = recv_until(s, b"hello\n")
    log("response", len(resp), "bytes")
    if a.mode == "abort":              # rst-client
        time.sleep(a.pause)
        linger_rst(s)
        s.close()
        return
    if a.mode == "wait-eof":           # server closes first
        recv_until(s)
        s.close()
        return
    time.sleep(a.pause)
    s.close()


def cli_halfclose(a):
    s = client_sock(a)
    s.connect((a.host, a.port))
    s.sendall(REQUEST)
    s.shutdown(socket.SHUT_WR)
    data = recv_until(s)
    log("after shutdown read", len(data), "bytes")
    s.close()


def cli_bulk(a):
    """write --nbytes in --chunks writes (TCP_NODELAY), then shut down"""
    s = client_sock(a, {(socket.IPPROTO_TCP, socket.TCP_NODELAY): 1})
    if a.sndbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, a.sndbuf)
    s.connect((a.host, a.port))
    per = max(1, a.nbytes // a.chunks)
    sent = 0
    i = 0
    while sent < a.nbytes:
        n = min(per, a.nbytes - sent)
        s.sendall(bytes([0x41 + (i % 26)]) * n)
        sent += n
        i += 1
        if a.gap:
            time.sleep(a.gap)
    s.shutdown(socket.SHUT_WR)
    log("reply", recv_until(s))
    s.close()


def cli_connect_only(a):
    """connect (expect refusal / timeout) - for refused and syn-retransmit"""
    s = client_sock(a)
    try:
        s.connect((a.host, a.port))
    except OSError as e:
        log("connect:", e)
        return
    if a.pause:
        time.sleep(a.pause)
    s.sendall(REQUEST)
    log("reply", len(recv_until(s, b"hello\n")), "bytes")
    s.close()


def cli_simclose(a):
    s = client_sock(a)
    s.connect((a.host, a.port))
    line = recv_until(s, b"\n")
    t = float(line.split()[1])
    sleep_until(t)
    s.close()
    time.sleep(1.0)


def cli_keepalive(a):
    s = client_sock(a)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 5)
    s.connect((a.host, a.port))
    s.sendall(b"ping\n")
    recv_until(s, b"ping\n")
    time.sleep(a.pause)                # idle: keep-alive probes happen here
    s.close()
    time.sleep(0.3)


def cli_midconn(a):
    """connect, wait for --go file, then talk (capture starts in between)"""
    s = client_sock(a, {(socket.IPPROTO_TCP, socket.TCP_NODELAY): 1})
    s.connect((a.host, a.port))
    touch(a.ready)
    deadline = time.time() + a.timeout
    while not os.path.exists(a.go) and time.time() < deadline:
        time.sleep(0.02)
    for i in range(3):
        s.sendall(b"message %d in the middle of a connection\n" % i)
        recv_until(s, b"connection\n")
        time.sleep(0.05)
    s.close()


def simopen(a):
    """both ends: bind own port, connect() to the peer at wall-clock --at"""
    s = socket.socket(family(a.host), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.bind, a.sport))
    s.settimeout(a.timeout)
    sleep_until(a.at)
    s.connect((a.host, a.port))
    log("connected", s.getsockname(), "->", s.getpeername())
    s.sendall(b"hi from %d\n" % a.sport)
    log("got", recv_until(s, b"\n"))
    time.sleep(a.pause)
    s.close()
    time.sleep(0.5)


def cli_udp(a):
    s = socket.socket(family(a.host), socket.SOCK_DGRAM)
    if a.sport:
        s.bind((a.bind or "0.0.0.0", a.sport))
    s.settimeout(a.timeout)
    s.connect((a.host, a.port))
    s.send(b"ping from rawshake lab\n")
    try:
        log("reply", s.recv(2048))
    except OSError as e:
        log("recv:", e)
    s.close()


ROLES = {
    "srv-http": srv_http, "srv-slow": srv_slow, "srv-sink": srv_sink,
    "srv-echo": srv_echo, "srv-simclose": srv_simclose, "srv-udp": srv_udp,
    "cli-http": cli_http, "cli-halfclose": cli_halfclose, "cli-bulk": cli_bulk,
    "cli-connect": cli_connect_only, "cli-simclose": cli_simclose,
    "cli-keepalive": cli_keepalive, "cli-midconn": cli_midconn,
    "cli-udp": cli_udp, "simopen": simopen,
}

ROLE = "?"


def main():
    global ROLE
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("role", choices=sorted(ROLES))
    p.add_argument("--host", default="192.0.2.2", help="peer address (clients)")
    p.add_argument("--bind", default="0.0.0.0", help="local address")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--sport", type=int, default=0, help="client source port")
    p.add_argument("--mode", default="")
    p.add_argument("--pause", type=float, default=0.2)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--chunks", type=int, default=3)
    p.add_argument("--nbytes", type=int, default=4000)
    p.add_argument("--gap", type=float, default=0.0)
    p.add_argument("--rcvbuf", type=int, default=0)
    p.add_argument("--sndbuf", type=int, default=0)
    p.add_argument("--at", type=float, default=0.0, help="wall-clock start")
    p.add_argument("--ready", default="", help="file to create when ready")
    p.add_argument("--go", default="", help="file to wait for")
    p.add_argument("--timeout", type=float, default=10.0)
    a = p.parse_args()
    ROLE = a.role
    signal.alarm(int(a.timeout * 3) + 5)   # hard upper bound on run time
    ROLES[a.role](a)


if __name__ == "__main__":
    main()
