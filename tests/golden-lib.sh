# golden-lib.sh: runs one golden case and prints what the golden file holds.
# Sourced by tests/golden.sh and scripts/regen-golden.sh.
golden_run() {
	# $1: rawshake binary; rest: arguments
	# A first argument "<FILE" feeds FILE on standard input.
	bin=$1
	shift
	input=/dev/null
	case ${1:-} in '<'*) input=${1#<}; shift ;; esac
	errf=$(mktemp)
	set +e
	TZ=UTC LC_ALL=C.UTF-8 "$bin" "$@" <"$input" 2>"$errf"
	status=$?
	set -e
	if [ -s "$errf" ] || [ "$status" -ne 0 ]; then
		echo "--- stderr ---"
		cat "$errf"
		echo "--- exit $status ---"
	fi
	rm -f "$errf"
}
