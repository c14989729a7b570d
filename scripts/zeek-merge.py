#!/usr/bin/env python3
"""zeek-merge.py: merge the conn.logs of the time splits of one capture.

    scripts/zeek-merge.py [--inexact FILE] PART1.log PART2.log ... > conn.log

Each PART is a Zeek conn.log (TSV, as `rawshake read --summary --format
zeek` writes it) of one split of a capture, the splits given in time
order.  A connection that crosses a split boundary has a row in each part
it has packets in; this joins them by the rule docs/scale.md states, with
no use of uid (each worker computes its own):

  key    protocol and the two endpoints, unordered (a part that starts in
         the middle of a connection may take the other side for the
         originator);
  match  a row of part i+1 continues the open row of an earlier part with
         the same key when it begins within the inactivity timeout of
         that row's last packet (TCP: 10 s after a close or reset, 60 s
         for a handshake that never completed, 300 s established; UDP and
         ICMP 60 s), and, for TCP, its history does not start with the
         originator's SYN ('S': a new connection on reused ports);
  join   the first row's ts, uid, endpoints and orientation; duration to
         the last packet of either; packets, IP bytes, payload bytes and
         missed bytes added (the later row's sides swapped first when it
         took the other end for the originator); history: the first row's
         letters, then each letter of the later row it does not have yet;
         conn_state: Zeek's conn_state rules applied to the endpoint
         states the joined history shows (docs/scale.md, "What a merge
         cannot know").

--inexact FILE lists the joined rows with a field the parts cannot give
exactly, one "uid<TAB>field,..." line each: duration, when each part
holds one end's FIN (the later part cannot say which of its packets
closed the connection; the merged duration runs to its last packet).

The header is the first part's with #open from the first part and #close
from the last; rows are written in order of ts (then uid).  Python
standard library only.
"""
import sys

TCP_TIMEOUTS = {"closed": 10000000, "half-open": 60000000, "established": 300000000}  # us
OTHER_TIMEOUT = 60000000
CLOSED_STATES = {"SF", "REJ", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR"}
HISTORY_MAX = 31
INEXACT = {}   # uid -> the fields of a joined row that are bounds, not exact
# fields added when two rows of one connection are joined, as (orig, resp)
SUMMED = [("orig_bytes", "resp_bytes"), ("orig_pkts", "resp_pkts"),
          ("orig_ip_bytes", "resp_ip_bytes")]


class Log:
    """One conn.log: its header lines, field names and rows (dicts)."""

    def __init__(self, path):
        self.path = path
        self.header = []
        self.fields = None
        self.open = self.close = None
        self.rows = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("#"):
                    self.meta_line(line)
                elif line:
                    if self.fields is None:
                        sys.exit(f"zeek-merge: {path}: a row before #fields")
                    vals = line.split("\t")
                    if len(vals) != len(self.fields):
                        sys.exit(f"zeek-merge: {path}: {len(vals)} columns, "
                                 f"#fields has {len(self.fields)}")
                    self.rows.append(dict(zip(self.fields, vals)))

    def meta_line(self, line):
        key, _, val = line.partition("\t") if "\t" in line else line.partition(" ")
        if key == "#fields":
            self.fields = val.split("\t")
        elif key == "#open":
            self.open = val
        elif key == "#close":
            self.close = val
        else:
            self.header.append(line)


def usec(v):
    """A time or interval field in integer microseconds (a float would
    lose the last digit of an epoch time with six decimals)."""
    if v in ("-", "(empty)", ""):
        return 0
    whole, _, frac = v.partition(".")
    return int(whole) * 1000000 + int((frac + "000000")[:6])


def count(v):
    return 0 if v in ("-", "(empty)", "") else int(v)


def endpoints(r):
    return (r["id.orig_h"], r["id.orig_p"]), (r["id.resp_h"], r["id.resp_p"])


def key_of(r):
    return (r["proto"],) + tuple(sorted(endpoints(r)))


def swap_case(h):
    return "".join(c.lower() if c.isupper() else c.upper() for c in h)


def oriented(first, later):
    """later's (orig, resp) counters and history in first's orientation."""
    flipped = endpoints(later)[0] != endpoints(first)[0]
    vals = {}
    for o, r in SUMMED + [("missed_bytes", "missed_bytes")]:
        a, b = count(later[o]), count(later[r])
        vals[o], vals[r] = (b, a) if flipped and o != r else (a, b)
    hist = later["history"].replace("^", "")
    return vals, swap_case(hist) if flipped else hist


def timeout(r):
    if r["proto"] != "tcp":
        return OTHER_TIMEOUT
    if r["conn_state"] in CLOSED_STATES:
        return TCP_TIMEOUTS["closed"]
    if r["conn_state"] in ("S1", "S2", "S3"):
        return TCP_TIMEOUTS["established"]
    return TCP_TIMEOUTS["half-open"]


def end_time(r):
    return usec(r["ts"]) + usec(r["duration"])


def both_closed(r):
    """Whether both ends of r had closed (or one reset): later packets (the
    last ACK) then count but do not lengthen it, as in one whole run."""
    h = r["history"]
    return "R" in h or "r" in h or ("F" in h and "f" in h)


def continues(first, later):
    if later["proto"] == "tcp" and later["history"].lstrip("^").startswith("S"):
        return False
    gap = usec(later["ts"]) - end_time(first)
    return 0 <= gap <= timeout(first)


def endpoint_state(hist, upper):
    """The state of one end as Zeek's TCP analyzer has it at the end, read
    from the letters it and its peer sent (upper: the originator)."""
    mine = {c.upper() for c in hist if c.isalpha() and c.isupper() == upper}
    peer = {c.upper() for c in hist if c.isalpha() and c.isupper() != upper}
    if "R" in mine:
        return "reset"
    if "F" in mine:
        return "closed"
    if upper and "S" in mine:
        return "established" if "H" in peer else "syn_sent"
    if not upper and "H" in mine:
        return "established" if peer & {"A", "D"} else "syn_ack_sent"
    return "partial" if mine else "inactive"


def conn_state(r):
    """Zeek's conn_state (base/protocols/conn) from the endpoint states
    that r's history shows."""
    hist = r["history"]
    os_, rs = endpoint_state(hist, True), endpoint_state(hist, False)
    o_inactive = os_ in ("inactive", "partial")
    r_inactive = rs in ("inactive", "partial")
    if rs == "reset":
        if os_ in ("syn_sent", "syn_ack_sent") or (
                os_ == "reset" and count(r["orig_bytes"]) == 0 and count(r["resp_bytes"]) == 0):
            return "REJ"
        return "RSTRH" if o_inactive else "RSTR"
    if os_ == "reset":
        if r_inactive:
            h = hist.lstrip("^")
            if h.startswith("S") and "R" in h and not any(c in "HAFGIQ" for c in h[1:h.index("R")]):
                return "RSTOS0"
            return "OTH"
        return "RSTO"
    if os_ == "closed" and rs == "closed":
        return "SF"
    if os_ == "closed":
        return "SH" if r_inactive else "S2"
    if rs == "closed":
        return "SHR" if o_inactive else "S3"
    if os_ == "syn_sent" and rs == "inactive":
        return "S0"
    if os_ == "established" and rs == "established":
        return "S1"
    return "OTH"


def join(first, later):
    vals, hist = oriented(first, later)
    for o, r in SUMMED:
        first[o] = str(count(first[o]) + vals[o])
        first[r] = str(count(first[r]) + vals[r])
    first["missed_bytes"] = str(count(first["missed_bytes"]) + vals["missed_bytes"])
    closed_before = first["proto"] == "tcp" and both_closed(first)
    closed_later = first["proto"] == "tcp" and both_closed(later)
    h = first["history"]
    for c in hist:
        if c not in h and len(h) < HISTORY_MAX:
            h += c
    first["history"] = h
    if not closed_before:
        dur = max(end_time(first), end_time(later)) - usec(first["ts"])
        first["duration"] = f"{dur // 1000000}.{dur % 1000000:06d}"
        # one FIN in each part: the packet that closed the second end is
        # somewhere in the later row, which (closed on one end only, for
        # its worker) ran to its last packet
        if not closed_later and both_closed(first):
            INEXACT.setdefault(first["uid"], set()).add("duration")
    if first["proto"] == "tcp":
        first["conn_state"] = conn_state(first)
    elif first["proto"] == "udp" and count(first["orig_pkts"]) and count(first["resp_pkts"]):
        first["conn_state"] = "SF"   # ICMP's stays OTH


def merge(logs):
    """All rows of all parts, those of one connection joined."""
    done = []
    open_rows = {}   # key -> (part index, the joined row that may continue)
    for part, log in enumerate(logs):
        for r in sorted(log.rows, key=lambda r: usec(r["ts"])):
            k = key_of(r)
            prev = open_rows.get(k)
            # rows of one part are never joined: that worker saw both
            if prev is not None and prev[0] < part and continues(prev[1], r):
                join(prev[1], r)
                open_rows[k] = (part, prev[1])
                continue
            if prev is not None:
                done.append(prev[1])
            open_rows[k] = (part, r)
    done.extend(r for _, r in open_rows.values())
    return sorted(done, key=lambda r: (usec(r["ts"]), r["uid"]))


def main(argv):
    inexact_path = None
    if len(argv) > 2 and argv[1] == "--inexact":
        inexact_path, argv = argv[2], argv[:1] + argv[3:]
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    logs = [Log(p) for p in argv[1:]]
    logs = [l for l in logs if l.fields is not None]   # an empty split writes no log
    if not logs:
        return 0
    fields = logs[0].fields
    for l in logs[1:]:
        if l.fields != fields:
            sys.exit(f"zeek-merge: {l.path}: #fields differ from {logs[0].path}'s")
    out = sys.stdout
    for line in logs[0].header:
        if line.startswith("#types"):
            out.write("#open\t" + logs[0].open + "\n")
            out.write("#fields\t" + "\t".join(fields) + "\n")
        out.write(line + "\n")
    for r in merge(logs):
        out.write("\t".join(r[f] for f in fields) + "\n")
    if logs[-1].close is not None:
        out.write("#close\t" + logs[-1].close + "\n")
    if inexact_path:
        with open(inexact_path, "w", encoding="utf-8") as f:
            for uid in sorted(INEXACT):
                f.write(uid + "\t" + ",".join(sorted(INEXACT[uid])) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
