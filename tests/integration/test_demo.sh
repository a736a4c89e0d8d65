#!/bin/sh
# test_demo.sh: scripts/demo.sh fills a real dinhd with the demo commune
# through the real CLI; the people find their work in their inboxes, the
# statistics count the dossiers, and a second run changes nothing.
set -u
NAME=demo
. "${top_srcdir:-.}/tests/integration/lib.sh"
start
DINH=$DINH sh "$top_srcdir/scripts/demo.sh" "$D" "$ADDR" >"$T/out" 2>&1 || fail "demo.sh"
grep -q "6 people, 2 village halls, 4 documents, 3 dossiers and meeting [0-9]*-0001" "$T/out" ||
	fail "demo summary"
M=$(sed -n 's/.* and meeting \([0-9-]*\)$/\1/p' "$T/out")
[ "$(stat -c %a "$D/demo/passwords")" = 600 ] || fail "passwords file mode"

as() {
	who=$1
	shift
	DINH_PASSWORD=$(sed -n "s/^$who //p" "$D/demo/passwords") \
		"$DINH" --server "$ADDR" --ca "$D/ca/ca.pem" --identity "$D/demo/$who.p12" "$@" \
		>"$T/out" 2>&1 || fail "$who: $*"
}
as can-bo doc inbox overdue
grep -q "rà soát hộ nghèo" "$T/out" || fail "the officer's overdue document"
as van-thu doc inbox
grep -q "Ngày hội Đại đoàn kết" "$T/out" || fail "the clerk's new document"
as mot-cua doc stats 2026-01-01 2030-12-31
grep -q "Dossiers received: 3, filed online: 2 (66.6%)" "$T/out" || fail "stats"
as thu-ky doc search ho so cua hoang van em
grep -q "1 document" "$T/out" || fail "search by the applicant's name without diacritics"
as thon-dong ping
as thon-dong meeting list
grep -q "$M" "$T/out" || fail "the hall does not see the demo meeting"
as thon-doai meeting fetch "$M" "$T/pack"
grep -q "^files=3" "$T/out" || fail "the hall's pack is not the agenda and two documents"

DINH=$DINH sh "$top_srcdir/scripts/demo.sh" "$D" "$ADDR" >"$T/out" 2>&1 || fail "demo.sh again"
grep -q "already there" "$T/out" || fail "a second run did not notice the first"
"$DINHD" --data-dir "$D" --check-index >"$T/out" 2>&1 || fail "check-index"
grep -q "agree: 7 documents" "$T/out" || fail "check-index count"
kill -TERM "$pid"
wait "$pid" || fail "dinhd exit status"
pid=
echo PASS
