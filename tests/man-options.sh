#!/bin/sh
# man-options.sh: the manual and the bash completion keep up with the program.
#
# For every command, the long and short options its --help lists must be the
# options man/rawshake.1 documents for it, and every one must appear in
# contrib/bash-completion/rawshake.  The manual's convention: a command's
# options are the tags (the line after .TP) in every .SS section, under
# COMMANDS or OPTIONS, whose title has the command's name as a word ("read
# and sniff" counts for both).  The EXIT STATUS section has a .TP entry per
# command naming each status its --help gives; PRIVILEGES names every
# command in bold.  The examples marked `.\" example: ARGS` are real output
# of `rawshake ARGS` (TZ=UTC, from the source tree) and must still be.
set -eu
srcdir=${srcdir:-.}
bin=$(pwd)/rawshake
man=$srcdir/man/rawshake.1
comp=$srcdir/contrib/bash-completion/rawshake
cmds="read sniff lab connect send flood scan detect reset"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
bad=0
problem() { echo "FAIL: $*"; bad=$((bad + 1)); }

# roff to plain text, as far as this page uses it.
unroff() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(CW//g' -e 's/\\(->/→/g' \
	    -e 's/\\(mc/µ/g' -e 's/\\(em/—/g' -e 's/\\(dq/"/g' -e 's/\\(>=/≥/g' \
	    -e 's/\\(<=/≤/g' -e 's/\\e/\\/g' -e 's/\\&//g'
}
# Option tokens (-x, --long-name) in text: one per line, sorted, unique.
opts() {
	grep -oE '(^|[][[:space:]"(,|/])--?[A-Za-z0-9][A-Za-z0-9-]*' |
		sed -E -e 's/^[^-]+//' -e 's/-+$//' | sort -u
}
# Lines of section .SH $1 of the manual (up to the next .SH).
man_section() {
	awk -v want="$1" '/^\.SH /{ t = $0; sub(/^\.SH +/, "", t); gsub(/"/, "", t); on = (t == want); next } on' "$man"
}
# "title<TAB>tag" for every .TP tag under COMMANDS and OPTIONS.
awk '
/^\.SH /{ sh = $0; sub(/^\.SH +/, "", sh); gsub(/"/, "", sh); ss = ""; next }
/^\.SS /{ ss = $0; sub(/^\.SS +/, "", ss); gsub(/"/, "", ss); next }
/^\.TP/{ tag = 1; next }
tag { tag = 0; if (sh == "COMMANDS" || sh == "OPTIONS") print ss "\t" $0 }
' "$man" | unroff >"$work/tags"

for c in $cmds; do
	"$bin" "$c" --help >"$work/help.$c" 2>&1 || problem "rawshake $c --help exits $?"
	opts <"$work/help.$c" >"$work/h.$c"
	awk -F '\t' -v c="$c" '{ n = split($1, w, /[^a-z]+/); for (i = 1; i <= n; i++) if (w[i] == c) { print $2; next } }' \
		"$work/tags" | opts >"$work/m.$c"
	only_help=$(comm -23 "$work/h.$c" "$work/m.$c" | tr '\n' ' ')
	only_man=$(comm -13 "$work/h.$c" "$work/m.$c" | tr '\n' ' ')
	[ -z "$only_help" ] || problem "$c: in --help but not in the manual: $only_help"
	[ -z "$only_man" ] || problem "$c: in the manual but not in --help: $only_man"
	[ -s "$work/h.$c" ] || problem "$c: no options found in --help"
	if [ -f "$comp" ]; then
		# The command's own list (local o_CMD="..."), shared $view included.
		awk -v c="$c" '$0 ~ "local o_" c "=" { on = 1 } on { print } on && /"[[:space:]]*$/ && !($0 ~ "local o_" c "=\"[^\"]*$") { on = 0 }' \
			"$comp" >"$work/comp.$c"
		grep -q '\$view' "$work/comp.$c" && awk '/local view=/ { on = 1 } on { print } on && /"[[:space:]]*$/ && !/view="[^"]*$/ { on = 0 }' "$comp" >>"$work/comp.$c"
		# A command without such a list (lab: per subcommand) is looked
		# up in its case branch.
		[ -s "$work/comp.$c" ] || awk -v c="$c" '$0 ~ "^\t" c "\\)" { on = 1 } on { print } on && /^\t[a-z]+\)/ && $0 !~ "^\t" c "\\)" { on = 0 }' \
			"$comp" >"$work/comp.$c"
		for o in $(cat "$work/h.$c"); do
			grep -qE -e "(^|[^A-Za-z0-9-])$o(\$|[^A-Za-z0-9-])" "$work/comp.$c" || problem "$c: $o is not in the bash completion of $c"
		done
		grep -qw "$c" "$comp" || problem "$c: the command is not in the bash completion"
	else
		problem "no $comp"
	fi
done

# EXIT STATUS: an entry per command (its .TP tag names it) whose text has
# every status the command's --help gives ("Exit status: 0 ..., 1 ...").
man_section "EXIT STATUS" | unroff >"$work/exit"
for c in $cmds help; do
	entry=$(awk -v c="$c" '
		/^\.TP/ { tag = 1; on = 0; next }
		tag { tag = 0; n = split($0, w, /[^a-z]+/); for (i = 1; i <= n; i++) if (w[i] == c) on = 1; next }
		/^\.(PP|SH|SS)/ { on = 0 }
		on' "$work/exit")
	if [ -z "$entry" ]; then
		problem "EXIT STATUS has no entry for $c"
		continue
	fi
	[ "$c" = help ] && continue
	st=$(tr '\n' ' ' <"$work/help.$c" | sed -n 's/.*Exit status: \([^.]*\)\..*/\1/p' |
		grep -oE '(^|[,:] )[0-9]+ ' | tr -dc '0-9\n' || true)
	for s in $st; do
		printf '%s\n' "$entry" | grep -qw "$s" || problem "EXIT STATUS for $c does not give status $s"
	done
done

# PRIVILEGES: every command, in bold.
man_section PRIVILEGES >"$work/priv"
for c in $cmds help; do
	grep -qE "^\.B(R|I)? +(.* )?\"?$c\"?( |\$)" "$work/priv" || problem "PRIVILEGES does not name $c"
done

# Examples that are real output.
n=0
grep -n '^\.\\" example: ' "$man" | while IFS=: read -r line rest; do
	args=${rest#.\\\" example: }
	awk -v from="$line" 'NR > from && /^\.\\" example-end/{ exit } NR > from' "$man" |
		grep -v '^\.' | grep -v '^\$ ' | unroff >"$work/ex.want"
	# shellcheck disable=SC2086
	(cd "$srcdir" && TZ=UTC "$bin" $args) >"$work/ex.got" 2>&1 || true
	if ! cmp -s "$work/ex.want" "$work/ex.got"; then
		echo "FAIL: the manual's example 'rawshake $args' is not what it prints:"
		diff -u "$work/ex.want" "$work/ex.got" | head -30
		echo x >>"$work/ex.bad"
	fi
	echo x >>"$work/ex.count"
done
[ -s "$work/ex.count" ] || problem "no '.\\\" example:' block in the manual"
[ ! -s "$work/ex.bad" ] || problem "$(wc -l <"$work/ex.bad") stale example(s)"

if [ "$bad" -ne 0 ]; then
	echo "man-options: $bad problem(s)"
	exit 1
fi
echo "man-options: options of $cmds agree with the manual and the completion"
