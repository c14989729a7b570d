#!/usr/bin/env python3
"""doc-examples.py: the examples in README and docs/labs/ that read a capture
from pcaps/ are real output and must stay so.

An example is an indented line "$ rawshake ARGS" whose ARGS name a file in
pcaps/, followed by its output: the lines indented as much, up to a blank
line or a shallower one.  A line that starts with "..." or "[..." stands
for lines left out.  Every other shown line must be a line of what
`rawshake ARGS` prints now (standard output and error, TZ=UTC, run from the
source directory), in the same order.  Live examples (lab, sniff, connect)
vary from run to run and are not checked here.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

srcdir = os.path.abspath(os.environ.get("srcdir", "."))
binary = os.path.join(os.getcwd(), "rawshake")
docs = [os.path.join(srcdir, "README")] + sorted(
    glob.glob(os.path.join(srcdir, "docs", "labs", "*.md"))
    + glob.glob(os.path.join(srcdir, "docs", "labs", "answers", "*.md")))
prompt = re.compile(r"^( +)\$ rawshake (.*\bpcaps/.*)$")


def examples(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = prompt.match(lines[i])
        i += 1
        if not m:
            continue
        indent, args, start = m.group(1), m.group(2), i
        shown = []
        while i < len(lines) and lines[i].startswith(indent) and lines[i].strip() \
                and not prompt.match(lines[i]):
            shown.append(lines[i][len(indent):].rstrip())
            i += 1
        yield start, args, shown


def main():
    env = dict(os.environ, TZ="UTC")
    checked = failed = 0
    for doc in docs:
        name = os.path.relpath(doc, srcdir)
        for line, args, shown in examples(doc):
            out = subprocess.run([binary] + shlex.split(args), cwd=srcdir, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            real = [l.rstrip() for l in out.stdout.decode("utf-8", "replace").split("\n")]
            want = [l for l in shown if not l.lstrip().startswith(("...", "[..."))]
            checked += 1
            pos = 0
            for w in want:
                try:
                    pos = real.index(w, pos) + 1
                except ValueError:
                    failed += 1
                    print(f"FAIL: {name}:{line}: rawshake {args}: this shown line is not "
                          f"in its output (in order):\n  {w}")
                    break
    if checked == 0:
        print("FAIL: no example found")
        return 1
    print(f"doc-examples: {checked} examples checked, {failed} stale")
    return 1 if failed else 0


sys.exit(main())
