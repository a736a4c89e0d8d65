#!/bin/sh
# test_kill9.sh: kill -9 of dinhd at random moments while clerks create
# documents over TLS.  After every kill: each change a client saw
# acknowledged is in git, git fsck --strict is clean, the index (behind
# git at most) agrees with git at its own commit; after the restart it has
# caught up, and no number was given twice.
set -u
NAME=kill9
. "${top_srcdir:-.}/tests/integration/lib.sh"
ROUNDS=${DINH_KILL_ROUNDS:-4}
start
DINH_NEW_PASSWORD=mat-khau-42 "$DINH" --data-dir "$D" user add "Trần Thị Bình" --roles clerk \
	--out "$T/clerk.p12" >"$T/out" 2>&1 || fail "user add"

# One clerk's loop: creates and registers documents, one line per
# acknowledged change ("create ID" / "register ID NUMBER").
clerk_loop() {
	n=0
	while :; do
		n=$((n + 1))
		DINH_PASSWORD=mat-khau-42 "$DINH" --server "$ADDR" --ca "$D/ca/ca.pem" \
			--identity "$T/clerk.p12" doc create incoming --field "Subject=Công văn $1-$n" \
			--field "OrganName=UBND huyện" >"$T/c.$1" 2>&1 || continue
		id=$(sed -n 's/^\([0-9]*-den-[0-9]*\):.*/\1/p' "$T/c.$1")
		echo "create $id"
		DINH_PASSWORD=mat-khau-42 "$DINH" --server "$ADDR" --ca "$D/ca/ca.pem" \
			--identity "$T/clerk.p12" doc act "$id" register --field CodeNumber=$n \
			--field IssuedDate=2026-12-01 >"$T/r.$1" 2>&1 || continue
		echo "register $id $(sed -n 's/.*number \([0-9]*\).*/\1/p' "$T/r.$1")"
	done
}

r=0
while [ "$r" -lt "$ROUNDS" ]; do
	r=$((r + 1))
	for c in 1 2 3 4 5 6; do
		clerk_loop "$c" >>"$T/acks" 2>/dev/null &
		echo $! >>"$T/loops"
	done
	sleep "$((1 + $(od -An -N1 -tu1 /dev/urandom) % 2)).$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	pid=
	kill $(cat "$T/loops") 2>/dev/null
	wait 2>/dev/null
	rm -f "$T/loops"
	git --git-dir="$D/repo.git" fsck --strict --no-dangling >"$T/out" 2>&1 ||
		fail "round $r: git fsck"
	# One line per commit: document, action, number.
	git --git-dir="$D/repo.git" log --format='%(trailers:key=Dinh-Document,valueonly,separator=) %(trailers:key=Dinh-Action,valueonly,separator=) %(trailers:key=Dinh-Number,valueonly,separator=)' main >"$T/log"
	n_ack=0
	while read -r what id num; do
		[ -n "$id" ] || continue
		n_ack=$((n_ack + 1))
		grep -q "^$id $what ${num:-}" "$T/log" ||
			fail "round $r: acknowledged $what of $id (number ${num:-none}) is not in git"
	done <"$T/acks"
	"$DINHD" --data-dir "$D" --check-index >"$T/out" 2>&1 || fail "round $r: check-index before restart"
	start
	kill -TERM "$pid"
	wait "$pid" || fail "round $r: dinhd exit status after the restart"
	pid=
	"$DINHD" --data-dir "$D" --check-index >"$T/out" 2>&1 || fail "round $r: check-index"
	grep -q "behind" "$T/out" && fail "round $r: the index did not catch up at start"
	# No register number given twice.
	dup=$(awk '$3 != "" { print $3 }' "$T/log" | sort | uniq -d | head -n 1)
	[ -z "$dup" ] || fail "round $r: number $dup given twice"
	echo "round $r: killed after $n_ack acknowledged changes in all; none lost; index agrees"
	start
done
kill -TERM "$pid"
wait "$pid"
pid=
echo PASS
