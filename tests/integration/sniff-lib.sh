# shellcheck shell=sh
# sniff-lib.sh: what the sniff-*.sh tests start with; source it, then
# call sniff_test_begin TOOL...: root or skip (77), the tools or fail,
# then the lab lock (namespace tests run one at a time); sets $bin.
sniff_test_begin() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
	for t in "$@"; do
		command -v "$t" >/dev/null || { echo "FAIL: $t is not installed"; exit 1; }
	done
	exec 9>/tmp/rawshake-lab-tests.lock
	flock 9
	bin=$(pwd)/rawshake
}
