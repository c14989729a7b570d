#!/usr/bin/env python3
"""tshark-compare.py: rawshake's relative TCP numbers against tshark's.

For every capture in pcaps/ (or the files given), whole and filtered to
each direction alone (tcp.srcport < tcp.dstport: the server's side, as
the lower port is the service in these captures; tcp.srcport >
tcp.dstport: the client's), compare for every TCP frame

    rawshake read --format json: tcp.rel_seq, tcp.rel_ack, tcp.rel_sack
    tshark -T fields:            tcp.seq, tcp.ack, tcp.options.sack_le/re

The filtered captures are written by tshark itself (-Y ... -w), so both
tools read the same bytes.  The acknowledgment number is compared where
the ACK flag is set (tshark shows tcp.ack even without it; rawshake
leaves rel_ack out then), SACK blocks where the segment has any.  Frames
whose TCP header is inside an ICMP error are left out (tshark numbers the
quoted header; rawshake does not track it).

One difference is on purpose and is checked, not only excused: a new
SYN-ACK on the ports of an earlier connection whose SYN was not captured
(tshark flags it tcp.analysis.reused_ports but goes on numbering the
client from the old connection's base, so its acks are millions; rawshake
opens a new connection there, as it and tshark do for a new SYN, and
numbers from this SYN-ACK's ack - 1).  Such a number counts as explained
when rawshake's value is exactly raw - (that ack - 1).

Prints one line per capture and variant and the agreement over all; with
-v every difference.  Exit status: 0 when every compared number agrees or
is explained, 1 otherwise, 77 (skipped, for make check) when tshark is not
installed.
"""
import argparse
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
FIELDS = ["frame.number", "tcp.flags.ack", "tcp.seq", "tcp.ack",
          "tcp.options.sack_le", "tcp.options.sack_re", "tcp.stream", "tcp.srcport",
          "tcp.flags.syn", "tcp.analysis.reused_ports", "tcp.seq_raw", "tcp.ack_raw"]


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
                         text=True).stdout
    frames = {}
    shift = custom_block_shift(path)
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        if not cols[2]:
            continue
        frames[shift(int(cols[0]))] = {
            "ack_flag": cols[1] in ("1", "True"),
            "seq": int(cols[2].split(",")[0]),
            "ack": int(cols[3].split(",")[0]) if cols[3] else None,
            "sack": list(zip(ints(cols[4]), ints(cols[5]))),
            "stream": cols[6].split(",")[0],
            "sport": cols[7].split(",")[0],
            "syn": cols[8].split(",")[0] in ("1", "True"),
            "reused": cols[9] != "",
            "seq_raw": int(cols[10].split(",")[0]) if cols[10] else None,
            "ack_raw": int(cols[11].split(",")[0]) if cols[11] else None,
        }
    return frames


def rawshake_frames(binary, path):
    out = subprocess.run([binary, "read", "--format", "json", path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    frames = {}
    for line in out.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        t = o.get("tcp") if o.get("type") == "pkt" else None
        if not t or "rel_seq" not in t:
            continue
        frames[o["frame"]] = {
            "seq": t["rel_seq"],
            "ack": t.get("rel_ack"),
            "sack": [tuple(b) for b in t.get("rel_sack", [])],
        }
    return frames


def compare(ts, rs, label, verbose, tally):
    n = agree = explained = 0
    # tcp.stream -> (server port, client base) after a reused-port SYN-ACK
    reuse = {}
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="print every difference")
    ap.add_argument("--rawshake", default=os.path.join(os.getcwd(), "rawshake"))
    ap.add_argument("pcaps", nargs="*")
    a = ap.parse_args()
    if not shutil.which("tshark"):
        print("tshark not installed: skipped")
        return 77
    srcdir = os.environ.get("srcdir", ".")
    files = a.pcaps or sorted(glob.glob(os.path.join(srcdir, "pcaps", "*.pcap")) +
                              glob.glob(os.path.join(srcdir, "pcaps", "*.pcapng")))
    tally = {"seq": [0, 0, 0], "ack": [0, 0, 0], "sack": [0, 0, 0]}
    total = total_ok = total_expl = 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            for name, flt in VARIANTS:
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
                n, ok, ex = compare(ts, rs, label, a.verbose, tally)
                total += n
                total_ok += ok
                total_expl += ex
                print(f"{label}: {ok}/{n} agree" + (f", {ex} explained" if ex else ""))
    pct = 100.0 * total_ok / total if total else 100.0
    parts = ", ".join(f"{k} {v[1]}/{v[0]}" + (f" (+{v[2]} explained)" if v[2] else "")
                      for k, v in tally.items())
    print(f"agreement: {total_ok}/{total} numbers ({pct:.3f} %), {total_expl} explained, "
          f"{total - total_ok - total_expl} unexplained: {parts}")
    return 0 if total_ok + total_expl == total else 1


if __name__ == "__main__":
    sys.exit(main())
