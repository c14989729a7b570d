#!/usr/bin/env python3
"""lab_traffic.py - a tiny TCP server and load client for bench/make-capture.sh.

Standard library only.  Used inside the rsbench- lab namespaces only; it
never picks an address itself: the caller passes documentation addresses
(192.0.2.0/24, 2001:db8::/32).

  lab_traffic.py server PORT DEADLINE_S
      Listens on [::]:PORT (dual stack).  Per connection, reads one line:
        "GET n\\n"   -> replies with a small response (~n bytes, n <= 4096)
                        and closes (the server closes first, so TIME_WAIT
                        stays on the server side and the client never runs
                        out of ports)
        "BULK n\\n"  -> sends n bytes and closes
        "PUT n\\n"   -> reads n bytes, replies "OK\\n", closes
      Exits by itself after DEADLINE_S seconds.

  lab_traffic.py client HOST PORT MODE MAX_CONNS DEADLINE_S STOPFILE [BULK_BYTES [PAUSE_S]]
      MODE short: MAX_CONNS short request/response connections;
      MODE bulk: MAX_CONNS connections alternating BULK and PUT of
      BULK_BYTES with PAUSE_S seconds between them.  Stops at MAX_CONNS, at DEADLINE_S seconds, or as soon as
      STOPFILE exists, whichever comes first.
"""
import os
import random
import socket
import socketserver
import sys
import threading
import time


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        s.settimeout(10)
        buf = b""
        try:
            while b"\n" not in buf and len(buf) < 256:
                d = s.recv(256)
                if not d:
                    return
                buf += d
            line, _, rest = buf.partition(b"\n")
            parts = line.split()
            if len(parts) != 2:
                return
            verb, n = parts[0], min(int(parts[1]), 64 << 20)
            if verb == b"GET":
                n = max(16, min(n, 4096))
                body = (b"x" * n)
                s.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % n + body)
            elif verb == b"BULK":
                chunk = b"\xa5" * 65536
                left = n
                while left > 0:
                    k = min(left, len(chunk))
                    s.sendall(chunk[:k])
                    left -= k
            elif verb == b"PUT":
                got = len(rest)
                while got < n:
                    d = s.recv(65536)
                    if not d:
                        return
                    got += len(d)
                s.sendall(b"OK\n")
        except (OSError, ValueError):
            pass


class Server(socketserver.ThreadingTCPServer):
    address_family = socket.AF_INET6
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 1024

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def server(port, deadline):
    srv = Server(("::", port), Handler)
    t = threading.Timer(deadline, srv.shutdown)
    t.daemon = True
    t.start()
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()


def recv_all(s):
    n = 0
    while True:
        d = s.recv(262144)
        if not d:
            return n
        n += len(d)


def client(host, port, mode, max_conns, deadline, stopfile, bulk_bytes, pause):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    end = time.monotonic() + deadline
    rng = random.Random(os.getpid())
    done = errors = 0
    for i in range(max_conns):
        if time.monotonic() > end:
            break
        if i % 64 == 0 and os.path.exists(stopfile):
            break
        try:
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect((host, port))
            if mode == "short":
                s.sendall(b"GET %d\n" % rng.choice((32, 100, 300, 700, 1400, 3000)))
                recv_all(s)
            elif i % 2 == 0:
                s.sendall(b"BULK %d\n" % bulk_bytes)
                recv_all(s)
            else:
                s.sendall(b"PUT %d\n" % bulk_bytes)
                chunk = b"\x5a" * 65536
                left = bulk_bytes
                while left > 0:
                    k = min(left, len(chunk))
                    s.sendall(chunk[:k])
                    left -= k
                recv_all(s)
            s.close()
            done += 1
        except OSError:
            errors += 1
            if errors > 1000:
                break
            time.sleep(0.01)
        if mode == "bulk":
            if os.path.exists(stopfile):
                break
            time.sleep(pause)
    print("client %s %s: %d connections, %d errors" % (host, mode, done, errors),
          file=sys.stderr)


def main(a):
    if len(a) >= 3 and a[0] == "server":
        server(int(a[1]), float(a[2]))
    elif len(a) >= 7 and a[0] == "client":
        client(a[1], int(a[2]), a[3], int(a[4]), float(a[5]), a[6],
               int(a[7]) if len(a) > 7 else 4 << 20,
               float(a[8]) if len(a) > 8 else 0.25)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
