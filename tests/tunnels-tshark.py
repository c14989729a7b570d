#!/usr/bin/env python3
"""tunnels-tshark.py: rawshake's inner 5-tuple against tshark's innermost one.

For every frame in which tshark decodes TCP, rawshake read --format json
must show a "tcp" member, and its IP source and destination and TCP ports
must be those of tshark's innermost IP and TCP headers (the last ip.src /
ipv6.src ... occurrence, picked by frame.protocols).  A TCP header that
tshark finds inside an ICMP error is compared with rawshake's icmp.quote
instead.

By default it checks the crafted tunnel and link-type captures
(pcaps/tun-*.pcap, pcaps/link-*.pcap) and fails on any frame that does not
agree.  With --report FILE|DIR... it reads any captures (tcpdump's corpus)
and prints the share of tshark-decoded TCP frames that rawshake decodes
with the same 5-tuple, and the frames it does not, grouped by why; the
exit status is then 0.  Exit status 77 (skipped) without tshark.
"""
import argparse
import collections
import glob
import ipaddress
import json
import os
import shutil
import subprocess
import sys

# Frames rawshake refuses on purpose, with the error it must give:
# (capture, frame) -> the error detail.  None today (tun-nested.pcap's
# too-deep frame carries ICMP).
EXPECTED = {}

FIELDS = ["frame.number", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "tcp.srcport", "tcp.dstport"]


def norm(a):
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def tshark_frames(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                             errors="replace").stdout
    except subprocess.TimeoutExpired:
        return {}
    frames = {}
    for line in out.splitlines():
        col = line.split("\t")
        if len(col) < len(FIELDS) or not col[6]:
            continue
        protos = col[1].split(":")
        if "tcp" not in protos:
            continue
        t = len(protos) - 1 - protos[::-1].index("tcp")
        ipi = None
        for i in range(t - 1, -1, -1):
            if protos[i] in ("ip", "ipv6"):
                ipi = i
                break
        if ipi is None:
            continue
        v = protos[ipi]
        # The n-th ip (or ipv6) in frame.protocols is the n-th occurrence.
        nth = protos[:ipi + 1].count(v) - 1
        srcs = (col[2] if v == "ip" else col[4]).split(",")
        dsts = (col[3] if v == "ip" else col[5]).split(",")
        if nth >= len(srcs) or nth >= len(dsts):
            continue
        sports = col[6].split(",")
        dports = col[7].split(",")
        quoted = ipi > 0 and protos[ipi - 1] in ("icmp", "icmpv6")
        try:
            frames[int(col[0])] = {
                "tuple": (norm(srcs[nth]), norm(dsts[nth]), int(sports[-1]), int(dports[-1])),
                "protos": col[1], "quoted": quoted}
        except ValueError:
            continue
    return frames


def tcpdump_frames(path):
    """For link types tshark does not decode (SLIP): tcpdump's innermost
    'IP a.port > b.port:' of each line."""
    if not shutil.which("tcpdump"):
        return {}
    out = subprocess.run(["tcpdump", "-n", "-r", path], capture_output=True, text=True,
                         timeout=60, errors="replace").stdout
    frames = {}
    for n, line in enumerate(out.splitlines(), 1):
        words = line.split()
        for i in range(len(words) - 3, -1, -1):
            if words[i] in ("IP", "IP6") and words[i + 2] == ">":
                s, d = words[i + 1], words[i + 3].rstrip(":")
                if "." in s and "." in d:
                    sa, sp = s.rsplit(".", 1)
                    da, dp = d.rsplit(".", 1)
                    if sp.isdigit() and dp.isdigit():
                        frames[n] = {"tuple": (norm(sa), norm(da), int(sp), int(dp)),
                                     "protos": "tcpdump: " + " ".join(words[1:3]),
                                     "quoted": False}
                break
    return frames


def rawshake_frames(binary, path):
    try:
        out = subprocess.run([binary, "read", "--format", "json", path], capture_output=True,
                             timeout=60).stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return {}
    frames = {}
    for line in out.splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("type") != "pkt":
            continue
        frames[o["frame"]] = o
    return frames


def rawshake_tuple(o, quoted):
    if quoted:
        q = (o.get("icmp") or {}).get("quote")
        if not q or "sport" not in q:
            return None
        return (norm(q["src"]), norm(q["dst"]), q["sport"], q["dport"])
    if "tcp" not in o or "ip" not in o:
        return None
    return (norm(o["ip"]["src"]), norm(o["ip"]["dst"]), o["tcp"]["sport"], o["tcp"]["dport"])


def why(o):
    if o is None:
        return "no frame"
    if "error" in o:
        e = o["error"]
        d = e["detail"]
        if e["kind"] == "unsupported" and d.startswith("link type"):
            d = "link type " + o["link"]["type"] + " (" + d.split()[-1] + ")"
        return "%s %s: %s" % (e["kind"], e["layer"], d)
    if "ip" in o and o["ip"].get("fragment"):
        return "later IP fragment"
    return "decoded, no TCP (ip proto %s)" % (o.get("ip") or {}).get("proto", "-")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(os.getcwd(), "rawshake"))
    ap.add_argument("--report", action="store_true")
    ap.add_argument("-v", action="store_true")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if not shutil.which("tshark"):
        print("tunnels-tshark: tshark not installed, skipped")
        return 77
    srcdir = os.environ.get("srcdir", ".")
    files = []
    for f in a.files:
        files += sorted(glob.glob(os.path.join(f, "*"))) if os.path.isdir(f) else [f]
    if not a.files:
        files = sorted(glob.glob(os.path.join(srcdir, "pcaps", "tun-*.pcap")) +
                       glob.glob(os.path.join(srcdir, "pcaps", "link-*.pcap")))
    total = matched = 0
    reasons = collections.Counter()
    examples = {}
    bad_files = []
    for f in files:
        tf = tshark_frames(f)
        if not tf and not a.report:
            tf = tcpdump_frames(f)
            if tf:
                print("%s: tshark decodes no TCP here; compared with tcpdump" %
                      os.path.basename(f))
        if not tf:
            if not a.report and not shutil.which("tcpdump"):
                print("%s: tshark decodes no TCP, no tcpdump to compare with: skipped" % f)
            elif not a.report:
                print("%s: tshark decodes no TCP" % f)
                bad_files.append(f)
            continue
        rf = rawshake_frames(a.bin, f)
        ok = 0
        for n, t in sorted(tf.items()):
            o = rf.get(n)
            got = rawshake_tuple(o, t["quoted"]) if o else None
            if got == t["tuple"]:
                ok += 1
                continue
            exp = EXPECTED.get((os.path.basename(f), n))
            if exp and o and exp in (o.get("error") or {}).get("detail", ""):
                ok += 1
                print("  %s #%d: refused as it should be: %s" % (os.path.basename(f), n, exp))
                continue
            r = why(o) if got is None else "different 5-tuple"
            key = (r, t["protos"] if not a.report else r)
            reasons[r] += 1
            examples.setdefault(r, "%s #%d (%s): tshark %s, rawshake %s" % (
                os.path.basename(f), n, t["protos"], t["tuple"], got))
            if a.v:
                print("  %s #%d: %s (%s) tshark %s rawshake %s" % (
                    os.path.basename(f), n, r, t["protos"], t["tuple"], got))
            del key
        total += len(tf)
        matched += ok
        if not a.report:
            print("%s: %d/%d TCP frames agree" % (os.path.basename(f), ok, len(tf)))
            if ok != len(tf):
                bad_files.append(f)
    share = 100.0 * matched / total if total else 0.0
    print("tshark-decoded TCP frames: %d; rawshake decodes %d with the same inner 5-tuple "
          "(%.2f %%)" % (total, matched, share))
    for r, c in reasons.most_common():
        print("  %6d  %s\n          e.g. %s" % (c, r, examples[r]))
    if a.report:
        return 0
    if not files:
        print("tunnels-tshark: no captures")
        return 1
    return 1 if bad_files or matched != total else 0


if __name__ == "__main__":
    sys.exit(main())
