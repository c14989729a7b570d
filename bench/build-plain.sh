#!/bin/bash
# build-plain.sh: builds rawshake from git HEAD in bench/out/src with the
# plain, README-default flags (-g -O2, no sanitizers: the top of the tree
# is usually configured for development, useless for timing) and prints
# the binary's path.  Uncommitted changes are not in it.  The --build of
# run.sh and zeek.sh; the log is bench/out/build.log.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
OUTDIR=$HERE/out
echo "building rawshake from git HEAD in $OUTDIR/src (plain ./configure, no sanitizers)" >&2
mkdir -p "$OUTDIR"
rm -rf "$OUTDIR/src" && mkdir -p "$OUTDIR/src" &&
    (cd "$TOP" && git archive HEAD) | tar -x -C "$OUTDIR/src" &&
    (cd "$TOP" && git rev-parse --short HEAD) >"$OUTDIR/src/BUILT_FROM" &&
    (cd "$OUTDIR/src" && autoreconf -fi && ./configure && make -j2) >"$OUTDIR/build.log" 2>&1 ||
    { echo "$0: build failed, see $OUTDIR/build.log" >&2; exit 2; }
echo "$OUTDIR/src/rawshake"
