#!/usr/bin/env python3
"""zeek-log-check.py: a strict reader of Zeek's ASCII logs, run over rawshake's conn.log.

Written from Zeek's documentation of its ASCII writer and of zeek-cut
(docs.zeek.org: "Zeek Log Formats and Inspection", base/protocols/conn):

- The first line is "#separator " and the separator, escaped as \\xHH.
- Then "#KEY<sep>VALUE" lines: set_separator, empty_field, unset_field,
  path, open (YYYY-MM-DD-HH-MM-SS), fields, types (one type per field),
  in that order.  Data lines follow; "#close<sep>TIME" ends the file.
- A value equal to unset_field is unset, to empty_field an empty set or
  string; a set's items are joined by set_separator.
- Types: time and interval are decimals with 6 places, count a
  non-negative integer, port 0-65535, addr an IPv4 or IPv6 address,
  bool T or F, enum an identifier.

For conn.log it checks more: the field list and types of current Zeek
releases, Zeek's uid shape, conn_state and history alphabets, that
duration, orig_bytes and resp_bytes are set together, and that proto
agrees with ip_proto.  In --json form every line is a JSON object with
those names, in that order, unset fields left out, ts a number.

  zeek-log-check.py FILE [--json]     check one log ("-": standard input)
  zeek-log-check.py --cut F1,F2 FILE  print those columns, as zeek-cut
  zeek-log-check.py                   run rawshake over every capture in
                                      pcaps/ in both forms and check them
"""
import argparse
import datetime
import glob
import ipaddress
import json
import os
import re
import subprocess
import sys

CONN_FIELDS = [
    ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
    ("id.resp_h", "addr"), ("id.resp_p", "port"), ("proto", "enum"), ("service", "string"),
    ("duration", "interval"), ("orig_bytes", "count"), ("resp_bytes", "count"),
    ("conn_state", "string"), ("local_orig", "bool"), ("local_resp", "bool"),
    ("missed_bytes", "count"), ("history", "string"), ("orig_pkts", "count"),
    ("orig_ip_bytes", "count"), ("resp_pkts", "count"), ("resp_ip_bytes", "count"),
    ("tunnel_parents", "set[string]"), ("ip_proto", "count"),
]
REQUIRED = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
            "missed_bytes"}
CONN_STATES = {"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH",
               "SH", "SHR", "OTH"}
HISTORY = re.compile(r"^\^?[SHADFRCGTWIQXshadfrcgtwiqx]+$")
UID = re.compile(r"^C[0-9A-Za-z]{1,23}$")
LOG_TIME = re.compile(r"^\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$")
HEADER_KEYS = ["set_separator", "empty_field", "unset_field", "path", "open", "fields", "types"]
PROTO_OF = {"tcp": {6}, "udp": {17}, "icmp": {1, 58}}


class LogError(Exception):
    pass


def check_value(kind, v, set_sep, empty):
    """Raises LogError unless v (set) is a valid value of Zeek type kind."""
    if kind == "time" or kind == "interval":
        if not re.fullmatch(r"-?\d+\.\d{6}" if kind == "interval" else r"\d+\.\d{6}", v):
            raise LogError(f"{kind} {v!r} is not seconds with 6 decimals")
    elif kind == "count":
        if not re.fullmatch(r"\d+", v):
            raise LogError(f"count {v!r}")
    elif kind == "port":
        if not re.fullmatch(r"\d+", v) or int(v) > 65535:
            raise LogError(f"port {v!r}")
    elif kind == "addr":
        try:
            ipaddress.ip_address(v)
        except ValueError:
            raise LogError(f"addr {v!r}") from None
    elif kind == "bool":
        if v not in ("T", "F"):
            raise LogError(f"bool {v!r}")
    elif kind == "enum":
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_:]*", v):
            raise LogError(f"enum {v!r}")
    elif kind.startswith("set[") or kind.startswith("vector["):
        inner = kind[kind.index("[") + 1:-1]
        if v != empty:
            for item in v.split(set_sep):
                check_value(inner, item, set_sep, empty)
    elif kind == "string":
        if v == "" or any(c in v for c in "\t\n"):
            raise LogError(f"string {v!r} is empty or holds a separator")
    else:
        raise LogError(f"unknown type {kind}")


def unescape(s):
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), s)


def read_tsv(lines):
    """Parses an ASCII log by its header; returns (header dict, rows as dicts)."""
    if not lines or not lines[0].startswith("#separator "):
        raise LogError("first line is not #separator")
    sep = unescape(lines[0][len("#separator "):])
    header, rows, closed = {}, [], False
    for n, line in enumerate(lines[1:], 2):
        if closed:
            raise LogError(f"line {n}: after #close")
        if line.startswith("#"):
            key, _, value = line[1:].partition(sep)
            if key == "close":
                if not LOG_TIME.match(value):
                    raise LogError(f"#close {value!r}")
                closed = True
                continue
            want = HEADER_KEYS[len(header)] if len(header) < len(HEADER_KEYS) else None
            if key != want:
                raise LogError(f"line {n}: #{key} where #{want} belongs")
            header[key] = value.split(sep) if key in ("fields", "types") else value
            continue
        if len(header) != len(HEADER_KEYS):
            raise LogError(f"line {n}: data before the whole header")
        values = line.split(sep)
        if len(values) != len(header["fields"]):
            raise LogError(f"line {n}: {len(values)} values for {len(header['fields'])} fields")
        row = {}
        for name, kind, v in zip(header["fields"], header["types"], values):
            if v == header["unset_field"]:
                row[name] = None
                continue
            try:
                check_value(kind, v, header["set_separator"], header["empty_field"])
            except LogError as e:
                raise LogError(f"line {n}, {name}: {e}") from None
            row[name] = v
        rows.append(row)
    if not closed:
        raise LogError("no #close line")
    if len(header.get("fields", [])) != len(header.get("types", [])):
        raise LogError("#fields and #types differ in length")
    if not LOG_TIME.match(header["open"]):
        raise LogError(f"#open {header['open']!r}")
    return header, rows


def check_conn_row(row, where):
    for name in REQUIRED:
        if row.get(name) is None:
            raise LogError(f"{where}: {name} unset")
    if not UID.match(str(row["uid"])):
        raise LogError(f"{where}: uid {row['uid']!r}")
    if row.get("conn_state") not in CONN_STATES:
        raise LogError(f"{where}: conn_state {row.get('conn_state')!r}")
    if row.get("history") is not None and not HISTORY.match(row["history"]):
        raise LogError(f"{where}: history {row['history']!r}")
    sized = [row.get(k) is not None for k in ("duration", "orig_bytes", "resp_bytes")]
    if any(sized) and not all(sized):
        raise LogError(f"{where}: duration, orig_bytes and resp_bytes not set together")
    if row.get("ip_proto") is not None and int(row["ip_proto"]) not in PROTO_OF.get(row["proto"], ()):
        raise LogError(f"{where}: proto {row['proto']} with ip_proto {row['ip_proto']}")


def check_conn_tsv(text):
    header, rows = read_tsv(text.splitlines())
    if header["path"] != "conn":
        raise LogError(f"#path {header['path']}")
    want = [f for f, _ in CONN_FIELDS], [t for _, t in CONN_FIELDS]
    if (header["fields"], header["types"]) != want:
        raise LogError("#fields/#types are not those of Zeek's conn.log")
    for n, row in enumerate(rows, 1):
        check_conn_row(row, f"row {n}")
    return rows


def check_conn_json(text):
    order = [f for f, _ in CONN_FIELDS]
    kinds = dict(CONN_FIELDS)
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        obj = json.loads(line)
        keys = list(obj)
        if keys != [k for k in order if k in obj]:
            raise LogError(f"line {n}: members {keys} not in conn.log's order")
        for k, v in obj.items():
            kind = kinds[k]
            ok = {"time": isinstance(v, (int, float)) and not isinstance(v, bool),
                  "interval": isinstance(v, (int, float)) and not isinstance(v, bool),
                  "count": isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                  "port": isinstance(v, int) and 0 <= v <= 65535,
                  "bool": isinstance(v, bool),
                  "set[string]": isinstance(v, list)}.get(kind, isinstance(v, str))
            if not ok:
                raise LogError(f"line {n}: {k} {v!r} is not a JSON {kind}")
        row = {k: (str(v) if not isinstance(v, list) else v) for k, v in obj.items()}
        check_conn_row(row, f"line {n}")
        rows.append(obj)
    return rows


def cut(text, names):
    header, rows = read_tsv(text.splitlines())
    for row in rows:
        print("\t".join(header["unset_field"] if row[n] is None else row[n] for n in names))


def self_test(binary):
    srcdir = os.environ.get("srcdir", ".")
    files = sorted(glob.glob(os.path.join(srcdir, "pcaps", "*.pcap")) +
                   glob.glob(os.path.join(srcdir, "pcaps", "*.pcapng")))
    failures = logs = conns = 0
    for path in files:
        out = {}
        for form in ("zeek", "zeek-json"):
            p = subprocess.run([binary, "read", "-q", "--format", form, path],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            out[form] = p.stdout
        try:
            if not out["zeek"]:
                if out["zeek-json"]:
                    raise LogError("JSON rows but no TSV log")
                continue
            tsv = check_conn_tsv(out["zeek"])
            js = check_conn_json(out["zeek-json"])
            if len(tsv) != len(js):
                raise LogError(f"{len(tsv)} TSV rows, {len(js)} JSON rows")
            for a, b in zip(tsv, js):
                if a["uid"] != b["uid"] or a["conn_state"] != b["conn_state"]:
                    raise LogError(f"TSV and JSON disagree on {a['uid']}")
            logs += 1
            conns += len(tsv)
        except (LogError, ValueError) as e:
            print(f"FAIL {path}: {e}")
            failures += 1
    print(f"zeek-log-check: {logs} logs, {conns} connections checked, {failures} failed")
    return 1 if failures or logs == 0 else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?")
    ap.add_argument("--json", action="store_true", help="the file is Zeek JSON lines")
    ap.add_argument("--cut", help="print these comma-separated columns, as zeek-cut")
    ap.add_argument("--rawshake", default=os.path.join(os.getcwd(), "rawshake"))
    a = ap.parse_args()
    if not a.file:
        return self_test(a.rawshake)
    text = sys.stdin.read() if a.file == "-" else open(a.file).read()
    try:
        if a.cut:
            cut(text, a.cut.split(","))
        elif a.json:
            check_conn_json(text)
        else:
            check_conn_tsv(text)
    except (LogError, ValueError) as e:
        print(f"{a.file}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
