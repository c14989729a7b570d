#!/usr/bin/env python3
"""func-lengths.py [DIR...]: the length in lines of every function under
src/ (or DIR), longest first, and how many exceed 80 and 120 lines.
A function starts at a line that begins a definition at column 0 and
ends at the first "}" at column 0 (the house style of the tree)."""
import os, re, sys

def functions(path):
    lines = open(path, errors="replace").read().split("\n")
    start = name = None
    for i, l in enumerate(lines):
        if start is None:
            if l == "{" and i > 0:
                j = i - 1
                while j > 0 and not re.match(r"^[A-Za-z_]", lines[j]):
                    j -= 1
                m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", lines[j])
                if m and not lines[j].startswith(("struct ", "enum ", "union ")) or \
                   (m and "(" in lines[j]):
                    start, name = j, m.group(1)
        elif l.startswith("}"):
            yield name, i - start + 1, path, start + 1
            start = None

def main():
    dirs = sys.argv[1:] or ["src"]
    found = []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in files:
                if f.endswith(".c"):
                    found += functions(os.path.join(root, f))
    found.sort(key=lambda t: -t[1])
    over80 = [f for f in found if f[1] > 80]
    over120 = [f for f in found if f[1] > 120]
    for name, n, path, line in over80:
        print(f"{n:5d}  {name}  {path}:{line}")
    print(f"{len(found)} functions, {len(over80)} over 80 lines, {len(over120)} over 120")
    return 1 if over120 and "--check" in os.environ.get("FUNC_LENGTHS", "") else 0

sys.exit(main())
