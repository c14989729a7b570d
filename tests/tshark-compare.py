#!/usr/bin/env python3
"""tshark-compare.py: rawshake's TCP numbers and analysis flags against tshark's.

For every capture in pcaps/ (or the files and directories given), whole
and filtered to each direction alone (tcp.srcport < tcp.dstport: the
server's side, as the lower port is the service in these captures;
tcp.srcport > tcp.dstport: the client's), compare for every TCP frame

    rawshake read --format json: tcp.rel_seq, tcp.rel_ack, tcp.rel_sack
    tshark -T fields:            tcp.seq, tcp.ack, tcp.options.sack_le/re

and the analysis flags, frame by frame (--corpus DIR adds every capture
under DIR, whole only; files tshark does not decode as TCP are skipped):

    rawshake conn.analysis       tshark tcp.analysis.*
    retransmission (also syn-, synack-retransmission)
                                 retransmission, fast_retransmission,
                                 spurious_retransmission
    fast-retransmission          fast_retransmission
    spurious-retransmission      spurious_retransmission
    out-of-order                 out_of_order
    dup-ack                      duplicate_ack
    lost-segment                 lost_segment
    acked-unseen                 ack_lost_segment

with precision (of rawshake's flags, tshark's taken as the truth) and
recall per flag.  A difference that rawshake makes on purpose is
checked against tshark's own fields, not only excused, and counted as
explained, with its reason (-v prints each; the man page, OUTPUT, says
why rawshake is right).  The decoded share is the part of tshark's TCP
frames that rawshake decodes as TCP at all ("tcp" in its JSON); the
misses are listed by link type and by the protocols tshark found under
TCP (-v: by file).

The filtered captures are written by tshark itself (-Y ... -w), so both
tools read the same bytes.  The acknowledgment number is compared where
the ACK flag is set (tshark shows tcp.ack even without it; rawshake
leaves rel_ack out then), SACK blocks where the segment has any.  Frames
whose TCP header is inside an ICMP error are left out (tshark numbers the
quoted header; rawshake does not track it).

One difference in the numbers is on purpose and is checked: a new
SYN-ACK on the ports of an earlier connection whose SYN was not captured
(tshark flags it tcp.analysis.reused_ports but goes on numbering the
client from the old connection's base, so its acks are millions; rawshake
opens a new connection there, as it and tshark do for a new SYN, and
numbers from this SYN-ACK's ack - 1).  Such a number counts as explained
when rawshake's value is exactly raw - (that ack - 1).

Prints one line per capture and variant and the totals; with -v every
difference.  Exit status: 0 when every compared number agrees or is
explained and, over pcaps/, every flag's precision counting explained
differences as agreeing is 100 % and without them above 95 %; 1 otherwise; 77 (skipped, for make
check) when tshark is not installed.
"""
import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

VARIANTS = [
    ("whole", None),
    ("server-side", "tcp && tcp.srcport < tcp.dstport"),
    ("client-side", "tcp && tcp.srcport > tcp.dstport"),
]
# rawshake's flag, the tshark fields that say the same, the rawshake
# names that count as it.
FLAGS = [
    ("retransmission", ["retransmission", "fast_retransmission", "spurious_retransmission"],
     ["retransmission", "syn-retransmission", "synack-retransmission"]),
    ("fast-retransmission", ["fast_retransmission"], ["fast-retransmission"]),
    ("spurious-retransmission", ["spurious_retransmission"], ["spurious-retransmission"]),
    ("out-of-order", ["out_of_order"], ["out-of-order"]),
    ("dup-ack", ["duplicate_ack"], ["dup-ack"]),
    ("lost-segment", ["lost_segment"], ["lost-segment"]),
    ("acked-unseen", ["ack_lost_segment"], ["acked-unseen"]),
]
TS_FLAGS = sorted({f for _, ts, _ in FLAGS for f in ts})
FIELDS = ["frame.number", "tcp.flags.ack", "tcp.seq", "tcp.ack",
          "tcp.options.sack_le", "tcp.options.sack_re", "tcp.stream", "tcp.srcport",
          "tcp.flags.syn", "tcp.analysis.reused_ports", "tcp.seq_raw", "tcp.ack_raw",
          "frame.protocols", "tcp.len", "tcp.window_size_value", "tcp.flags.fin",
          "tcp.flags.reset", "frame.time_epoch", "tcp.dstport", "_ws.malformed"] + \
         ["tcp.analysis." + f for f in TS_FLAGS]


def ints(s):
    return [int(x) for x in s.split(",") if x != ""]


def custom_block_shift(path):
    """tshark 4.0 shows a pcapng custom block as a frame of its own (with no
    interface); rawshake skips it, as a block that holds no packet.  The
    function maps tshark's frame numbers to rawshake's."""
    if not path.endswith(".pcapng"):
        return lambda n: n
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number",
                          "-e", "frame.interface_id"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    blocks = [int(l.split("\t")[0]) for l in out.splitlines()
              if l.strip() and (len(l.split("\t")) < 2 or l.split("\t")[1] == "")]
    return lambda n: n - sum(1 for b in blocks if b < n)


def first(s, conv=str, default=None):
    if s == "":
        return default
    return conv(s.split(",")[0])


def tshark_frames(path):
    cmd = ["tshark", "-n", "-r", path,
           "-o", "tcp.relative_sequence_numbers:TRUE",
           "-o", "tcp.analyze_sequence_numbers:TRUE",
           "-Y", "tcp && !icmp && !icmpv6", "-T", "fields",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    # A capture cut short makes tshark exit 2 after the frames it read.
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, errors="replace").stdout
    frames = {}
    shift = custom_block_shift(path)
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        c = dict(zip(FIELDS, cols))
        if not c["tcp.seq"] or not c["frame.number"].isdigit():
            continue
        flags = {f for f in TS_FLAGS if c["tcp.analysis." + f] != ""}
        frames[shift(int(c["frame.number"]))] = {
            "ack_flag": first(c["tcp.flags.ack"]) in ("1", "True"),
            "seq": first(c["tcp.seq"], int),
            "ack": first(c["tcp.ack"], int),
            "sack": list(zip(ints(c["tcp.options.sack_le"]), ints(c["tcp.options.sack_re"]))),
            "stream": first(c["tcp.stream"]),
            "sport": first(c["tcp.srcport"]),
            "dport": first(c["tcp.dstport"]),
            "syn": first(c["tcp.flags.syn"]) in ("1", "True"),
            "fin": first(c["tcp.flags.fin"]) in ("1", "True"),
            "rst": first(c["tcp.flags.reset"]) in ("1", "True"),
            "reused": c["tcp.analysis.reused_ports"] != "",
            "seq_raw": first(c["tcp.seq_raw"], int),
            "ack_raw": first(c["tcp.ack_raw"], int),
            "len": first(c["tcp.len"], int, 0),
            "win": first(c["tcp.window_size_value"], int, 0),
            "time": first(c["frame.time_epoch"], float, 0.0),
            "protocols": c["frame.protocols"],
            "flags": flags,
            "malformed": c["_ws.malformed"] != "",
        }
    return frames


def rawshake_frames(binary, path):
    out = subprocess.run([binary, "read", "--format", "json", path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, errors="replace").stdout
    frames = {}
    for line in out.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        t = o.get("tcp") if o.get("type") == "pkt" else None
        if not t:
            continue
        frames[o["frame"]] = {
            "seq": t.get("rel_seq"),
            "ack": t.get("rel_ack"),
            "sack": [tuple(b) for b in t.get("rel_sack", [])],
            "flags": set(o.get("conn", {}).get("analysis", [])),
            "note": o.get("note", ""),
        }
    return frames
def compare(ts, rs, label, verbose, tally):
    n = agree = explained = 0
    # tcp.stream -> (server port, client base) after a reused-port SYN-ACK
    reuse = {}
    ctx = {}
    restart_off = {}
    for fr in sorted(ts):
        t = ts[fr]
        r = rs.get(fr)
        if t["reused"] and t["syn"] and t["ack_flag"] and t["ack_raw"] is not None:
            reuse[t["stream"]] = (t["sport"], (t["ack_raw"] - 1) & 0xffffffff)
        checks = [("seq", t["seq"], r["seq"] if r else None)]
        if t["ack_flag"]:
            checks.append(("ack", t["ack"], r["ack"] if r else None))
        if t["sack"]:
            checks.append(("sack", t["sack"], r["sack"] if r else None))
        for what, want, got in checks:
            n += 1
            tally[what][0] += 1
            if want == got:
                agree += 1
                tally[what][1] += 1
                continue
            frames = stream_frames(ts, fr, ctx)
            restart = idle_restart(ts, frames, fr)
            if restart is not None and what in ("seq", "ack") and got is not None:
                # After the restart rawshake numbers from new bases: the
                # difference to tshark is the same for the rest of it.
                k = (t["stream"], restart, t["sport"], what)
                off = (want - got) & 0xffffffff
                if restart_off.setdefault(k, off) == off:
                    explained += 1
                    tally[what][2] += 1
                    if verbose:
                        print(f"  {label} frame {fr} {what}: tshark {want} rawshake {got} "
                              "(explained: a new record after an idle timeout)")
                    continue
            raw = t["ack_raw"] if what == "ack" else t["seq_raw"]
            if t["malformed"] and what in ("seq", "ack") and want == raw and got is not None:
                # tshark's dissector stopped at an exception (a length that
                # lies) before its analysis made the number relative.
                explained += 1
                tally[what][2] += 1
                if verbose:
                    print(f"  {label} frame {fr} {what}: tshark {want} rawshake {got} "
                          "(explained: tshark left a malformed packet's number absolute)")
                continue
            ru = reuse.get(t["stream"])
            if ru and what in ("seq", "ack"):
                # The client's numbers: the server's acks, the client's seqs.
                from_server = t["sport"] == ru[0]
                raw = t["ack_raw"] if what == "ack" else t["seq_raw"]
                if (what == "ack") == from_server and raw is not None and \
                        got == (raw - ru[1]) & 0xffffffff:
                    explained += 1
                    tally[what][2] += 1
                    if verbose:
                        print(f"  {label} frame {fr} {what}: tshark {want} rawshake {got} "
                              "(explained: new connection at a reused-port SYN-ACK)")
                    continue
            if verbose:
                print(f"  {label} frame {fr} {what}: tshark {want} rawshake {got}")
    return n, agree, explained


def seglen(t):
    return t["len"] + t["syn"] + t["fin"]


def stream_frames(ts, fr, ctx):
    """The frames of fr's TCP stream, in order (cached per stream)."""
    key = ts[fr]["stream"]
    if key not in ctx:
        ctx[key] = [f for f in sorted(ts) if ts[f]["stream"] == key]
    return ctx[key]


def handshake_rtt(ts, frames):
    """SYN to the ACK that completes the handshake, from tshark's frames."""
    syn = next((f for f in frames if ts[f]["syn"] and not ts[f]["ack_flag"]), None)
    if syn is None:
        return None
    cport = ts[syn]["sport"]
    sa = next((f for f in frames if f > syn and ts[f]["syn"] and ts[f]["ack_flag"]), None)
    if sa is None:
        return None
    ack = next((f for f in frames if f > sa and ts[f]["sport"] == cport and
                not ts[f]["syn"] and ts[f]["ack_flag"]), None)
    return ts[ack]["time"] - ts[syn]["time"] if ack else None


def unseen_stretch(ts, fr, frames):
    """(acks unseen bytes, first ACK of this stretch of them) for frame fr,
    computed from tshark's frames: the bytes each side's captured
    segments cover, and the ACKs that went past them."""
    cover = {}      # sport -> list of (lo, hi)
    flagged = {}    # sport of the data sender -> top of the stretch flagged
    result = (False, False)
    for f in frames:
        if f > fr:
            break
        t = ts[f]
        peer = t["dport"]
        if t["ack_flag"] and not t["rst"] and peer in cover:
            iv = sorted(cover[peer])
            c = iv[0][1]
            for lo, hi in iv[1:]:
                if lo <= c:
                    c = max(c, hi)
            unseen = t["ack"] is not None and t["ack"] > c
            new = unseen and (peer not in flagged or c >= flagged[peer])
            if unseen:
                flagged[peer] = max(flagged.get(peer, 0), t["ack"])
            if f == fr:
                result = (unseen, new)
        if seglen(t) and not t["rst"]:
            cover.setdefault(t["sport"], []).append((t["seq"], t["seq"] + seglen(t)))
    return result


# rawshake's tracker timeouts (man page, OUTPUT, Summary): a connection
# idle longer than this ends, and its next segment starts a new one.
IDLE_CLOSED, IDLE_HALFOPEN, IDLE_OPEN = 10.0, 60.0, 300.0


def idle_restart(ts, frames, fr):
    """The frame that started rawshake's current record of fr's
    connection after an idle timeout (None if none): tshark keeps one
    stream across the pause.  The timeout runs on the capture's clock,
    which any TCP segment moves (a capture whose clock jumps ahead
    expires every connection)."""
    order = sorted(ts)
    pos = {f: i for i, f in enumerate(order)}
    start = None
    prev = None
    fins, rst, est = set(), False, False
    for f in frames:
        if f > fr:
            break
        t = ts[f]
        if prev is not None:
            limit = IDLE_CLOSED if rst or len(fins) == 2 else \
                IDLE_OPEN if est else IDLE_HALFOPEN
            now = max(ts[g]["time"] for g in order[pos[prev] + 1:pos[f] + 1])
            if now - ts[prev]["time"] > limit:
                start, fins, rst, est = f, set(), False, False
        if t["fin"]:
            fins.add(t["sport"])
        rst = rst or t["rst"]
        est = est or (t["ack_flag"] and not t["syn"]) or start is not None
        prev = f
    return start


def explain_flag(name, fr, ts, rs, ctx):
    """Why rawshake's flag differs from tshark's on this frame, checked
    against tshark's own fields; None when it is not a known difference."""
    t = ts[fr]
    got = name in rs[fr]["flags"] or (name == "retransmission" and bool(
        rs[fr]["flags"] & {"syn-retransmission", "synack-retransmission"}))
    frames = stream_frames(ts, fr, ctx)
    before = [f for f in frames if f < fr]
    mine = [f for f in before if ts[f]["sport"] == t["sport"]]
    theirs = [f for f in before if ts[f]["sport"] != t["sport"]]
    restart = idle_restart(ts, frames, fr)
    if restart is not None and not got and not any(
            restart <= f and ts[f]["sport"] == t["sport"] for f in before):
        return "idle longer than rawshake's timeout: its record ended and this segment " \
               "starts a new one, numbered from here (tshark keeps one stream)"
    if t["syn"] and not got and name in ("retransmission", "lost-segment"):
        if any(ts[f]["rst"] for f in before) or any(
                ts[f]["syn"] and ts[f]["ack_flag"] == t["ack_flag"] and
                ts[f]["seq_raw"] != t["seq_raw"] for f in mine):
            return "a new connection on the same ports (after a reset, or a new ISN), " \
                   "not the old one's resend or gap"
        # An end that sent a SYN and then a SYN-ACK with the same ISN
        # answers the peer's SYN from SYN_SENT (its ack says so, even where
        # that SYN is not in the capture).
        if t["ack_flag"] and any(ts[f]["syn"] and not ts[f]["ack_flag"] and
                                 ts[f]["seq_raw"] == t["seq_raw"] for f in mine):
            return "simultaneous open: the SYN-ACK repeats its own SYN, not a resend"
    if name in ("retransmission", "out-of-order") and t["len"]:
        ooo = name == "out-of-order"
        if got != ooo:   # rawshake: retransmission; tshark: out-of-order
            s = t["seq"]
            if any(ts[f]["seq"] <= s < ts[f]["seq"] + ts[f]["len"] for f in mine):
                return "bytes captured before at this point: sent twice, not reordered"
            above = next((f for f in mine if ts[f]["seq"] > s), None)
            rtt = handshake_rtt(ts, frames)
            limit = rtt if rtt else 0.003
            if above is not None and t["time"] - ts[above]["time"] >= limit:
                return "fills a hole later than one round trip (the handshake's, or 3 ms): " \
                       "resent, not reordered"
    if name == "dup-ack" and not got:
        top = max((ts[f]["seq"] + seglen(ts[f]) for f in theirs), default=None)
        sacked = any(re > (t["ack"] or 0) for _, re in t["sack"])
        if t["ack"] is not None and (top is None or top <= t["ack"]) and not sacked:
            return "nothing outstanding (the peer sent nothing beyond this ack): not a " \
                   "duplicate ACK by RFC 5681's definition"
    if name == "acked-unseen":
        unseen, new = unseen_stretch(ts, fr, frames)
        if not got and unseen and not new:
            return "the same stretch of unseen bytes was flagged at its first ACK (once per hole)"
        if got and unseen and new:
            return "acks bytes no captured segment carried, the first ACK of that stretch " \
                   "(tshark 4.0's bookkeeping misses it)"
    return None


class FlagTally:
    def __init__(self):
        # name -> [tp, fp, fn, fp explained, fn explained]
        self.n = {name: [0, 0, 0, 0, 0] for name, _, _ in FLAGS}
        self.reasons = collections.Counter()

    def add(self, label, ts, rs, verbose):
        ctx = {}
        for fr in sorted(ts):
            r = rs.get(fr)
            if r is None:
                continue
            t = ts[fr]
            for name, tnames, rnames in FLAGS:
                want = any(f in t["flags"] for f in tnames)
                got = any(f in r["flags"] for f in rnames)
                v = self.n[name]
                if want and got:
                    v[0] += 1
                    continue
                if not want and not got:
                    continue
                why = explain_flag(name, fr, ts, rs, ctx)
                kind = "rawshake only" if got else "tshark only"
                if why:
                    v[3 if got else 4] += 1
                    self.reasons[(name, kind, why)] += 1
                else:
                    v[1 if got else 2] += 1
                if verbose:
                    print(f"  {label} frame {fr} {name}: {kind}" +
                          (f" (explained: {why})" if why else "") +
                          f" | tshark {sorted(t['flags'])} rawshake {sorted(r['flags'])}")

    def report(self, title):
        print(f"analysis flags, {title} (tshark's as the truth; explained differences apart):")
        ok = True
        for name, _, _ in FLAGS:
            tp, fp, fn, fpx, fnx = self.n[name]
            prec = 100.0 * tp / (tp + fp) if tp + fp else 100.0
            rec = 100.0 * tp / (tp + fn) if tp + fn else 100.0
            rprec = 100.0 * tp / (tp + fp + fpx) if tp + fp + fpx else 100.0
            rrec = 100.0 * tp / (tp + fn + fnx) if tp + fn + fnx else 100.0
            print(f"  {name:24} both {tp:6}  rawshake only {fp:5} (+{fpx} explained)  "
                  f"tshark only {fn:5} (+{fnx} explained)  precision {prec:6.2f} % "
                  f"recall {rec:6.2f} %  (raw: {rprec:6.2f} % / {rrec:6.2f} %)")
            if fp or rprec < 95.0 and tp + fp + fpx >= 20:
                ok = False
        for (name, kind, why), k in sorted(self.reasons.items()):
            print(f"    {name}, {kind}, {k}: {why}")
        return ok


def link_and_tunnel(protocols):
    """The link layer and what sits between it and the TCP header."""
    p = protocols.split(":")
    link = p[0] if p else "?"
    if "tcp" in p:
        p = p[:len(p) - p[::-1].index("tcp") - 1]
    inner = [x for x in p[1:] if x not in ("ethertype", "ip", "ipv6", "vlan")]
    return link, "+".join(inner) if inner else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="print every difference")
    ap.add_argument("--rawshake", default=os.path.join(os.getcwd(), "rawshake"))
    ap.add_argument("--corpus", action="append", default=[],
                    help="also every capture under this directory (whole only)")
    ap.add_argument("pcaps", nargs="*")
    a = ap.parse_args()
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    srcdir = os.environ.get("srcdir", ".")
    files = a.pcaps or sorted(glob.glob(os.path.join(srcdir, "pcaps", "*.pcap")) +
                              glob.glob(os.path.join(srcdir, "pcaps", "*.pcapng")))
    corpus = []
    for d in a.corpus:
        corpus += sorted(os.path.join(d, f) for f in os.listdir(d)
                         if f.endswith((".pcap", ".pcapng", ".cap")))
    status = 0
    for title, group, variants in (("own captures", files, VARIANTS),
                                   ("corpus", corpus, VARIANTS[:1])):
        if not group:
            continue
        tally = {"seq": [0, 0, 0], "ack": [0, 0, 0], "sack": [0, 0, 0]}
        flags = FlagTally()
        total = total_ok = total_expl = 0
        share = [0, 0]
        misses = collections.Counter()
        miss_files = collections.Counter()
        with tempfile.TemporaryDirectory() as tmp:
            for path in group:
                for name, flt in variants:
                    src = path
                    if flt:
                        src = os.path.join(tmp, "part.pcapng")
                        subprocess.run(["tshark", "-n", "-r", path, "-Y", flt, "-F", "pcapng",
                                        "-w", src], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
                    ts = tshark_frames(src)
                    if not ts:
                        continue
                    rs = rawshake_frames(a.rawshake, src)
                    label = f"{os.path.basename(path)} {name}"
                    if name == "whole":
                        for fr, t in ts.items():
                            share[0] += 1
                            if fr in rs:
                                share[1] += 1
                            else:
                                misses[link_and_tunnel(t["protocols"])] += 1
                                miss_files[os.path.basename(path)] += 1
                    both = {fr: t for fr, t in ts.items() if fr in rs}
                    n, ok, ex = compare(both, rs, label, a.verbose, tally)
                    flags.add(label, both, rs, a.verbose)
                    total += n
                    total_ok += ok
                    total_expl += ex
                    if group is files or n != ok + ex:
                        print(f"{label}: {ok}/{n} agree" + (f", {ex} explained" if ex else ""))
        pct = 100.0 * total_ok / total if total else 100.0
        parts = ", ".join(f"{k} {v[1]}/{v[0]}" + (f" (+{v[2]} explained)" if v[2] else "")
                          for k, v in tally.items())
        print(f"== {title}: {len(group)} files")
        print(f"agreement: {total_ok}/{total} numbers ({pct:.3f} %), {total_expl} explained, "
              f"{total - total_ok - total_expl} unexplained: {parts}")
        pct = 100.0 * share[1] / share[0] if share[0] else 100.0
        print(f"decoded share: rawshake decodes {share[1]} of the {share[0]} frames tshark "
              f"decodes as TCP ({pct:.3f} %)")
        for (link, inner), k in misses.most_common():
            print(f"    missed: {k} frames, link {link}, under TCP {inner}")
        if a.verbose:
            for f, k in miss_files.most_common():
                print(f"    missed in {f}: {k}")
        flags_ok = flags.report(title)
        if total_ok + total_expl != total and group is files:
            status = 1
        if not flags_ok and group is files:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
