#!/usr/bin/env python3
"""make-rst-pcaps.py: crafted captures of a third party's RST in a TCP
transfer (RFC 5961 section 3.2) and of an old duplicate SYN (RFC 9293
section 3.5, figure 8), for the tracker's notes:

    rst-exact.pcap          the RST at the server's rcv_nxt: a close
    rst-in-window.pcap      the RST 1000 bytes above rcv_nxt, in the
                            window: the server's challenge ACK, the
                            transfer goes on and closes with FINs
    rst-out-of-window.pcap  the RST 1 MB above rcv_nxt: ignored
    syn-old-duplicate.pcap  a SYN with an old ISN from a port the client
                            does not use: SYN-ACK, the client's RST with
                            seq = the SYN-ACK's ack, the server in LISTEN

192.0.2.1:40000 (client) <-> 192.0.2.2:8080 (server), the server sends;
the RSTs come with the client's addresses (an injector on its side).
The same segment builder as make-analysis-pcaps.py (imported).

    python3 scripts/make-rst-pcaps.py [OUTDIR]   (default: pcaps/)
"""
import importlib.util
import os
import sys

_spec = importlib.util.spec_from_file_location(
    "analysis_pcaps", os.path.join(os.path.dirname(os.path.abspath(__file__)), "make-analysis-pcaps.py"))
ap = importlib.util.module_from_spec(_spec)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
_spec.loader.exec_module(ap)
Cap, handshake = ap.Cap, ap.handshake
F, S, R, P, A = ap.F, ap.S, ap.R, ap.P, ap.A


def transfer(c, start, n):
    """The server sends n segments of 1000 bytes from start, each acked."""
    for i in range(n):
        c.seg(False, P | A, start + 1000 * i, 1, b"d" * 1000, win=509, dt=0.001)
        c.seg(True, A, 1, start + 1000 * (i + 1), dt=0.00004)
    return start + 1000 * n


def close(c, sseq):
    c.seg(False, F | A, sseq, 1, win=509, dt=0.001)
    c.seg(True, F | A, 1, sseq + 1, dt=0.00004)
    c.seg(False, A, sseq + 1, 2, win=509, dt=0.00005)


def rst_exact():
    c = Cap()
    handshake(c)
    transfer(c, 1, 2)
    c.seg(True, R, 1, 0, win=0, dt=0.0005)
    return c


def rst_in_window():
    c = Cap()
    handshake(c)
    s = transfer(c, 1, 2)
    c.seg(True, R, 1 + 1000, 0, win=0, dt=0.0005)
    c.seg(False, A, s, 1, win=509, dt=0.00003)      # the challenge ACK
    s = transfer(c, s, 1)
    close(c, s)
    return c


def rst_out_of_window():
    c = Cap()
    handshake(c)
    s = transfer(c, 1, 2)
    c.seg(True, R, 1 + 1000000, 0, win=0, dt=0.0005)
    s = transfer(c, s, 1)
    close(c, s)
    return c


def syn_old_duplicate():
    c = Cap()
    old = (ap.CISN - 250000) & 0xffffffff
    c.seg(True, S, old - ap.CISN, 0, win=64240)
    c.seg(False, S | A, 0, old - ap.CISN + 1, win=65160, dt=0.00005)
    c.seg(True, R, old - ap.CISN + 1, 0, win=0, dt=0.00002)
    return c


CAPTURES = {
    "rst-exact.pcap": rst_exact,
    "rst-in-window.pcap": rst_in_window,
    "rst-out-of-window.pcap": rst_out_of_window,
    "syn-old-duplicate.pcap": syn_old_duplicate,
}


if __name__ == "__main__":
    ap.CAPTURES = CAPTURES    # make-analysis-pcaps.py's writer, our captures
    ap.main()
