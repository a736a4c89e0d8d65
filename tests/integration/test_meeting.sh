#!/bin/sh
# test_meeting.sh: a whole paperless meeting over real TLS with the real
# CLI and dinh-hall.  A chair, a secretary, three delegates and two village
# halls: the meeting is defined with a confidential item, published (each
# hall gets only its audience's files, checked against the signed
# manifest), followed page by page by a headless hall behind a throttled
# relay that cuts its link in the middle (it resumes, receives only the
# events it missed, shows the saved pack while offline, browses freely
# from its console and jumps back to the chair) and by the GTK
# viewer of the other hall under Xvfb, whose screenshot is checked and kept
# as tests/integration/hall-gtk.png (SKIP for that part alone when GTK or
# xvfb-run is missing); a document signed
# again is re-published and moves only its appended bytes; check-ins, a
# speaker request, private notes, a vote (duplicate and late ballots
# refused, named results), conclusions that become workflow tasks, and the
# minutes signed by the secretary then the chair.  Refusals change nothing
# in git; git fsck accepts the repository; a restart keeps the record.
set -u
NAME=meeting
. "${top_srcdir:-.}/tests/integration/lib.sh"
EX_OK=0 EX_PERM=4 EX_NOTFOUND=5 EX_SERVER=6
HALL=$top_builddir/clients/dinh-hall
RELAY=$top_builddir/tests/integration/dinh-relay
[ -x "$HALL" ] && [ -x "$RELAY" ] || { echo "SKIP: dinh-hall or the relay not built"; exit 77; }
unset DINH_PASSWORD DINH_NEW_PASSWORD
relay_pid= hall_pid= gtk_pid=
# (lib.sh runs the function it_extra_cleanup names)
it_extra_cleanup=meeting_cleanup
meeting_cleanup() {
	[ -n "$hall_pid" ] && kill -KILL "$hall_pid" 2>/dev/null && wait "$hall_pid" 2>/dev/null
	# the viewer runs in its own session: xvfb-run, Xvfb and dinh-hall
	[ -n "$gtk_pid" ] && kill -TERM -- "-$gtk_pid" 2>/dev/null && wait "$gtk_pid" 2>/dev/null
	[ -n "$relay_pid" ] && kill -KILL "$relay_pid" 2>/dev/null && wait "$relay_pid" 2>/dev/null
	exec 7>&- 2>/dev/null
	:
}

start
PW=mat-khau-hop-3
enrol() { # LABEL NAME ROLES [hall]: prints the id
	DINH_NEW_PASSWORD=$PW "$DINH" --data-dir "$D" "${4:-user}" add "$2" ${3:+--roles "$3"} \
		--out "$T/$1.p12" | sed -n 's/^Enrolled .* as \([^ ]*\) (certificate.*/\1/p'
}
CHAIR=$(enrol chair "Nguyễn Văn An" chair)
SEC=$(enrol sec "Trần Thị Bình" secretary)
D1=$(enrol d1 "Phạm Văn Cường" delegate)
D2=$(enrol d2 "Lê Thị Dung" delegate)
D3=$(enrol d3 "Hoàng Văn Em" delegate)
H1=$(enrol h1 "Nhà văn hóa thôn Nà Pàn" "" hall)
H2=$(enrol h2 "Nhà văn hóa thôn Bản Chang" "" hall)
for v in CHAIR SEC D1 D2 D3 H1 H2; do
	eval "[ -n \"\$$v\" ]" || fail "enrolment of $v failed"
done
as() {
	who=$1
	shift
	DINH_PASSWORD=$PW "$DINH" --server "$ADDR" --ca "$D/ca/ca.pem" --identity "$T/$who.p12" "$@"
}
val() { sed -n "s/^$1=//p" "$T/out" | head -n 1; }
head_commit() { git --git-dir "$D/repo.git" rev-parse HEAD; }

# The documents: a report (item 1) and a confidential staffing paper (item 2).
G=$top_srcdir/tests/fuzz/corpus/genxml
"$DINH" pdf gen agenda "$G/agenda.xml" "$T/bao-cao.pdf" >/dev/null 2>&1 || fail "pdf gen"
"$DINH" pdf gen minutes "$G/minutes.xml" "$T/nhan-su.pdf" >/dev/null 2>&1 || fail "pdf gen"
define() { # FILE REPORT.pdf
	cat >"$1" <<X
<meeting title="Họp giao ban tháng 12 năm 2026" start="2026-12-05 08:00" end="2026-12-05 11:00"
	 place="Hội trường UBND xã" chair="$CHAIR" secretary="$SEC">
  <member id="$CHAIR"/><member id="$SEC"/><member id="$D1"/><member id="$D2"/><member id="$D3"/>
  <member id="$H1"/><member id="$H2"/>
  <item title="Báo cáo tình hình kinh tế - xã hội" presenter="$D1" time="08:00">
    <doc file="$2" name="bao-cao.pdf"/>
  </item>
  <item title="Công tác cán bộ" confidential="1" invite="$D2" time="09:30">
    <doc file="nhan-su.pdf"/>
  </item>
</meeting>
X
}
define "$T/m.xml" bao-cao.pdf

# Refusals first: nothing reaches git.
H0=$(head_commit)
run $EX_PERM as d1 meeting create "$T/m.xml"
sed "s/$D3/khong-co-ai/" "$T/m.xml" >"$T/bad.xml"
run $EX_NOTFOUND as chair meeting create "$T/bad.xml"
grep -q "khong-co-ai" "$T/out" || fail "unknown member: no clear reason"
printf '<meeting title="x"/>' >"$T/bad2.xml"
run $EX_SERVER as chair meeting create "$T/bad2.xml"
printf '<!DOCTYPE m [<!ENTITY a "aaaa">]><meeting title="&a;"/>' >"$T/bomb.xml"
run 6 as chair meeting create "$T/bomb.xml"
[ "$(head_commit)" = "$H0" ] || fail "a refused meeting reached git"

run $EX_OK as chair meeting create "$T/m.xml"
M=$(val meeting)
[ -n "$M" ] || fail "meeting create printed no id"
run $EX_PERM as d1 meeting edit "$M" "$T/m.xml"
run $EX_OK as d3 meeting show "$M"
grep -q "Công tác cán bộ" "$T/out" && fail "a confidential item shown to someone not invited"
run $EX_OK as d2 meeting show "$M"
grep -q "Công tác cán bộ" "$T/out" || fail "the invited delegate does not see the confidential item"

# Publishing: each audience's pack, signed.
run $EX_OK as sec meeting publish "$M"
[ "$(val version)" = 1 ] || fail "first publish is not version 1"
AGENDA=$(val agenda)
run $EX_OK as d3 meeting agenda "$M" "$T/giay-moi.pdf"
[ "$(sha256sum "$T/giay-moi.pdf" | cut -d' ' -f1)" = "$AGENDA" ] || fail "meeting agenda"
run $EX_OK as h2 meeting fetch "$M" "$T/h2"
[ "$(val files)" = 2 ] || fail "hall 2 got $(val files) files, want the agenda and the report"
run $EX_OK as d2 meeting fetch "$M" "$T/d2"
[ "$(val files)" = 3 ] || fail "the invited delegate got $(val files) files, want 3"
pdftotext "$T/h2/$AGENDA" - | grep -q "CHƯƠNG TRÌNH" || fail "the agenda PDF lacks its programme"
pdftotext "$T/h2/$AGENDA" - | grep -q "Báo cáo tình hình kinh tế" || fail "agenda lacks item 1"
pdftotext "$T/h2/$AGENDA" - | grep -q "Công tác cán bộ" && fail "agenda names the confidential item"
SECRET=$(sha256sum "$T/nhan-su.pdf" | cut -d' ' -f1)
run $EX_NOTFOUND as h2 file get "$SECRET" -o "$T/x"
# A tampered cached manifest is refused offline.
cp -r "$T/h2" "$T/h2bad"
sed -i 's/Họp giao ban/Họp bất thường/' "$T/h2bad/manifest.xml"

# Hall 1 follows through a weak link: 2 MB/s, cut every 50 KB.
"$RELAY" "$T/relay.port" 127.0.0.1 "$PORT" --rate 2000000 --drop-every 50000 \
	--stats "$T/relay.stats" &
relay_pid=$!
i=0
while [ ! -s "$T/relay.port" ]; do
	i=$((i + 1)); [ $i -le 100 ] || fail "relay did not start"; sleep 0.05
done
RPORT=$(cat "$T/relay.port")
# Its console (stdin): the hall's operator browses with next / prev / follow.
mkfifo "$T/keys" || fail "mkfifo"
exec 7<>"$T/keys"
DINH_PASSWORD=$PW "$HALL" --headless --server "127.0.0.1:$RPORT" --ca "$D/ca/ca.pem" \
	--identity "$T/h1.p12" --meeting "$M" --cache "$T/h1" --png "$T/h1.png" --width 480 \
	--until-closed --seconds 900 <"$T/keys" >"$T/hall.out" 2>"$T/hall.err" &
hall_pid=$!
# Hall 2: the GTK viewer on a 1280x800 X server, its own cache.
GTK=
if ! grep -q '^#define HAVE_GTK 1' "$top_builddir/config.h" 2>/dev/null; then
	echo "SKIP (part): dinh-hall built without GTK"
elif ! command -v xvfb-run >/dev/null || ! command -v setsid >/dev/null; then
	echo "SKIP (part): no xvfb-run"
else
	GTK=1
	# in Vietnamese, as in the hall, when the locale is there
	GTKENV="LANGUAGE=en" CONNECTED="Connected" VOTED="Result of the vote"
	if locale -a 2>/dev/null | grep -qi '^vi_VN\.utf-\?8$'; then
		GTKENV="LANGUAGE=vi LC_ALL=vi_VN.UTF-8" CONNECTED="Đã kết nối" VOTED="Kết quả biểu quyết"
	fi
	# Under ASan, GTK and D-Bus keep allocations for the life of the process
	# that LeakSanitizer reports (libdbus, g_malloc inside GTK); the
	# viewer's own code (hall.c, pack.c) runs leak-checked as hall 1.
	GTK_ASAN="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	# shellcheck disable=SC2086
	env $GTKENV ASAN_OPTIONS="$GTK_ASAN" DINH_PASSWORD=$PW setsid xvfb-run -a -s "-screen 0 1280x800x24" "$HALL" --server "$ADDR" \
		--ca "$D/ca/ca.pem" --identity "$T/h2.p12" --meeting "$M" --cache "$T/h2gtk" \
		--screenshot "$T/hall-gtk.png" --until-closed --seconds 900 \
		>"$T/hall2.out" 2>"$T/hall2.err" &
	gtk_pid=$!
fi
wait_for() { # PATTERN FILE: waits up to 60 s for PATTERN in FILE
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1)); [ $i -le 1200 ] || { tail -n 5 "$2"; tail -n 5 "$T/hall.err"; fail "no '$1' in $2"; }; sleep 0.05
	done
}
wait_for "^page " "$T/hall.out"
grep -q "^status Connected" "$T/hall.out" || fail "hall: no connected status"
[ -s "$T/h1.png" ] || fail "hall wrote no page"
cuts=$(sed -n 's/^cuts //p' "$T/relay.stats")
[ "$cuts" -ge 1 ] || fail "the relay never cut the link while the pack moved"
for f in $(ls "$T/h1" | grep -v manifest); do
	[ "$(sha256sum "$T/h1/$f" | cut -d' ' -f1)" = "$f" ] || fail "hall 1 holds a bad file $f"
done
if [ -n "$GTK" ]; then
	# The viewer drew its first page: a PNG of the screen's size, with
	# the white page and its dark text in it.
	wait_for "^screenshot " "$T/hall2.out"
	head -c 8 "$T/hall-gtk.png" | od -An -c | grep -q 'P   N   G' || fail "viewer: no PNG"
	wh=$(od -An -tu1 -j16 -N8 "$T/hall-gtk.png" |
		awk '{ printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
	[ "$wh" = 1280x800 ] || fail "viewer: screenshot is $wh, not the screen's 1280x800"
	grep "^screenshot " "$T/hall2.out" | awk '{ split($4, w, "="); split($5, d, "=");
		exit !(w[2] >= 0.05 && d[2] >= 0.002) }' ||
		fail "viewer: blank screenshot ($(grep '^screenshot' "$T/hall2.out"))"
	[ "$(stat -c %s "$T/hall-gtk.png")" -gt 20000 ] || fail "viewer: a near-empty PNG"
	grep -q "^status $CONNECTED" "$T/hall2.out" || fail "viewer: not connected"
	cp "$T/hall-gtk.png" "$top_builddir/tests/integration/hall-gtk.png" ||
		fail "keeping the screenshot"
	for f in $(ls "$T/h2gtk" | grep -v manifest); do
		[ "$(sha256sum "$T/h2gtk/$f" | cut -d' ' -f1)" = "$f" ] || fail "viewer holds a bad file"
	done
	H2ONLINE=1
else
	H2ONLINE=0
fi

run $EX_OK as chair meeting readiness "$M"
grep -q "member id=$H1 .*online=1 .*ready=1" "$T/out" || fail "readiness: hall 1 not online and ready"
grep -q "member id=$H2 .*online=$H2ONLINE .*ready=1" "$T/out" || fail "readiness: hall 2 not ready"
grep -q "member id=$D3 .*ready=0" "$T/out" || fail "readiness: delegate 3 should lack the pack"

# The chair moves; the hall follows with a few bytes.
run $EX_OK as d1 meeting goto "$M" 1 2
run $EX_PERM as d3 meeting goto "$M" 1 1
# Garbage on the meeting operations: a clear refusal, nothing committed.
HEAD1=$(head_commit)
run $EX_SERVER as chair meeting goto "$M" 99 1
grep -q "item must be 1 to 2" "$T/out" || fail "goto item 99: no clear reason"
run $EX_SERVER as chair meeting goto "$M" 1 0
run $EX_NOTFOUND as chair meeting goto "$M" 1 1 --doc "$(printf '%064d' 0)"
run $EX_NOTFOUND as chair meeting show 2026-9999
run $EX_NOTFOUND as chair meeting show "../../etc"
run $EX_SERVER as chair meeting follow "$M" --since abc --events 0 --timeout 1
run $EX_NOTFOUND as chair meeting vote "$M" 77 yes
run $EX_SERVER as d1 meeting note "$M" not-a-sha "x"
run $EX_SERVER as chair meeting vote-open "$M" 5 "Không có mục này"
[ "$(head_commit)" = "$HEAD1" ] || fail "a refused meeting operation reached git"
wait_for "event meeting.page .*page=2" "$T/hall.out"
wait_for "^page .* 2 $T/h1.png" "$T/hall.out"

# The link drops: the hall shows its saved pack, the chair moves on.
joins=$(grep -c "^joined" "$T/hall.out")
kill -USR2 "$relay_pid"
kill -USR1 "$relay_pid"
wait_for "^status Offline: showing the saved pack" "$T/hall.out"
run $EX_OK as chair meeting goto "$M" 1 3
run $EX_OK as chair meeting goto "$M" 1 1
kill -USR2 "$relay_pid"
i=0
while [ "$(grep -c "^joined" "$T/hall.out")" -le "$joins" ]; do
	i=$((i + 1)); [ $i -le 1200 ] || fail "the hall did not come back"; sleep 0.05
done
wait_for "^page .* 1 $T/h1.png" "$T/hall.out"
sed -n '/^status Offline: showing/,$p' "$T/hall.out" >"$T/after-drop"
grep -q "event meeting.page .*page=3" "$T/after-drop" || fail "missed events not replayed"
grep -q "event meeting.page .*page=2" "$T/after-drop" &&
	fail "the reconnect replayed more than what was missed"

# The hall browses freely while the chair moves, then jumps back to him.
REPORT=$(sha256sum "$T/bao-cao.pdf" | cut -d' ' -f1)
count() { grep -c "$1" "$T/hall.out"; }
wait_count() { # PATTERN N: waits until PATTERN is in hall.out N times
	i=0
	while [ "$(count "$1")" -lt "$2" ]; do
		i=$((i + 1)); [ $i -le 1200 ] || { tail -n 5 "$T/hall.out"; fail "no $2 x '$1'"; }
		sleep 0.05
	done
}
shown2=$(count "^page $REPORT 2 ")
echo next >&7
wait_for "^browse page 2" "$T/hall.out"
wait_count "^page $REPORT 2 " $((shown2 + 1))
events=$(count "^event meeting.page")
shown1=$(count "^page $REPORT 1 ")
run $EX_OK as chair meeting goto "$M" 1 1
wait_count "^event meeting.page" $((events + 1))
wait_count "^page $REPORT 2 " $((shown2 + 2))
[ "$(count "^page $REPORT 1 ")" -eq "$shown1" ] || fail "a browsing hall was moved by the chair"
echo follow >&7
wait_for "^follow page 1" "$T/hall.out"
wait_count "^page $REPORT 1 " $((shown1 + 1))

# Attendance, speakers, notes.
run $EX_OK as h1 meeting checkin "$M" --present 42
run $EX_OK as h2 meeting checkin "$M" --present 17
for p in chair sec d1 d2 d3; do run $EX_OK as $p meeting checkin "$M"; done
run $EX_SERVER as d1 meeting checkin "$M" --present 3
run $EX_OK as d3 meeting speak "$M"
run $EX_SERVER as d3 meeting speak "$M"
run $EX_OK as chair meeting speak "$M" --grant "$D3"
run $EX_OK as d1 meeting note "$M" "$REPORT" "Hỏi thêm về số liệu thu ngân sách"
run $EX_OK as d1 meeting note "$M" "$REPORT"
grep -q "thu ngân sách" "$T/out" || fail "note not read back"
run $EX_NOTFOUND as d2 meeting note "$M" "$REPORT"

# A vote: one ballot each, late ones refused, named results.
run $EX_OK as chair meeting vote-open "$M" 1 "Thông qua báo cáo kinh tế - xã hội"
V=$(val vote)
run $EX_OK as d1 meeting vote "$M" "$V" yes
run $EX_SERVER as d1 meeting vote "$M" "$V" no
grep -q "already voted" "$T/out" || fail "duplicate ballot: no clear reason"
run $EX_OK as d2 meeting vote "$M" "$V" no
run $EX_OK as d3 meeting vote "$M" "$V" abstain
run $EX_OK as sec meeting vote "$M" "$V" yes
run $EX_PERM as h2 meeting vote "$M" "$V" yes
run $EX_SERVER as d1 meeting vote "$M" "$V" maybe
run $EX_PERM as d1 meeting vote-close "$M" "$V"
run $EX_OK as chair meeting vote-close "$M" "$V"
[ "$(val yes)/$(val no)/$(val abstain)" = 2/1/1 ] || fail "vote counts wrong"
run $EX_SERVER as chair meeting vote "$M" "$V" yes
grep -q "too late" "$T/out" || fail "late ballot: no clear reason"
run $EX_OK as d3 meeting vote-show "$M" "$V"
grep -q "ballot person=$D2 name=Lê Thị Dung choice=no" "$T/out" || fail "named result missing"
wait_for "event meeting.vote.result .*yes=2 no=1 abstain=1" "$T/hall.out"

# The report signed again (an incremental update) and re-published: only
# its appended bytes move.
issue() { # OUT NAME PERSON
	run $EX_OK env DINH_NEW_PASSWORD=$PW "$DINH" --data-dir "$D" cert issue "$2" \
		--profile official --person "$3" --out "$T/$1.p12"
}
issue chair-sign "Nguyễn Văn An" "$CHAIR"
issue sec-sign "Trần Thị Bình" "$SEC"
run $EX_OK env DINH_PASSWORD=$PW "$DINH" pdf sign --identity "$T/chair-sign.p12" \
	"$T/bao-cao.pdf" "$T/bao-cao-ky.pdf"
define "$T/m2.xml" bao-cao-ky.pdf
run $EX_OK as chair meeting edit "$M" "$T/m2.xml"
# Until it is published, halls keep version 1 and cannot take the new file.
SIGNED=$(sha256sum "$T/bao-cao-ky.pdf" | cut -d' ' -f1)
run $EX_OK as h2 file get "$REPORT" -o "$T/v1-report.pdf"
run $EX_NOTFOUND as h2 file get "$SIGNED" -o "$T/v2-early.pdf"
run $EX_OK as chair meeting publish "$M"
[ "$(val version)" = 2 ] || fail "re-publish is not version 2"
run $EX_OK as h2 meeting fetch "$M" "$T/h2"
old=$(stat -c %s "$T/bao-cao.pdf") new=$(stat -c %s "$T/bao-cao-ky.pdf")
moved=$(val fetched-bytes)
# The agenda did not change (the same bytes: nothing to fetch); the signed
# report moves its appended revision only.
[ "$moved" -eq $((new - old)) ] ||
	fail "re-publish moved $moved bytes; the new revision adds $((new - old))"
[ "$moved" -lt "$new" ] || fail "the whole signed file moved again"
wait_for "^pack version=2" "$T/hall.out"
[ -z "$GTK" ] || wait_for "^pack version=2" "$T/hall2.out"

# Conclusions, closing: the minutes and the tasks.
run $EX_OK as chair meeting conclude "$M" 1 "Văn phòng hoàn thiện báo cáo, trình HĐND xã" \
	--lead "$D1" --due 2026-12-20
run $EX_OK as chair meeting conclude "$M" 0 "Các thôn triển khai kế hoạch tháng 1"
run $EX_SERVER as chair meeting conclude "$M" 1 "x" --lead "$D1" --due 20-12-2026
run $EX_OK as sec meeting close "$M"
MIN=$(val minutes)
TASK=$(sed -n 's/^task item=1 doc=//p' "$T/out")
[ -n "$MIN" ] && [ -n "$TASK" ] || fail "close gave no minutes or task"
run $EX_OK as d1 doc show "$TASK"
grep -q "lead .*$D1" "$T/out" || fail "task without its lead"
grep -q "due .*2026-12-20" "$T/out" || fail "task without its deadline"
run $EX_OK as d1 doc inbox
grep -q "$TASK" "$T/out" || fail "the task is not in its handler's inbox"
wait_for "event meeting.closed" "$T/hall.out"
run $EX_OK as sec meeting minutes "$M" "$T/bien-ban.pdf"
pdftotext "$T/bien-ban.pdf" "$T/bien-ban.txt"
for s in "BIÊN BẢN" "Phạm Văn Cường" "Nhà văn hóa thôn Nà Pàn" "42 người" \
	"Thông qua báo cáo" "hoàn thiện báo cáo" "Hoàng Văn Em"; do
	grep -q "$s" "$T/bien-ban.txt" || fail "the minutes lack '$s'"
done
grep -q "Công tác cán bộ" "$T/bien-ban.txt" && fail "the minutes name the confidential item"
grep -q "Đại biểu" "$T/bien-ban.txt" || fail "the minutes lack the delegates' position"
run $EX_SERVER as chair meeting goto "$M" 1 1

# The minutes: the secretary signs, then the chair signs her signed copy.
run $EX_OK env DINH_PASSWORD=$PW "$DINH" pdf sign --identity "$T/chair-sign.p12" \
	"$T/bien-ban.pdf" "$T/bb-chair.pdf"
run $EX_PERM as chair meeting sign-minutes "$M" "$T/bb-chair.pdf"
run $EX_OK env DINH_PASSWORD=$PW "$DINH" pdf sign --identity "$T/chair-sign.p12" \
	"$T/bien-ban.pdf" "$T/bb-wrong.pdf"
run $EX_PERM as sec meeting sign-minutes "$M" "$T/bb-wrong.pdf"
run $EX_OK env DINH_PASSWORD=$PW "$DINH" pdf sign --identity "$T/sec-sign.p12" \
	"$T/bien-ban.pdf" "$T/bb-sec.pdf"
run $EX_OK as sec meeting sign-minutes "$M" "$T/bb-sec.pdf"
[ "$(val signatures)" = 1 ] || fail "secretary's signature not counted"
run $EX_SERVER as chair meeting sign-minutes "$M" "$T/bb-chair.pdf"
grep -q "secretary's signed" "$T/out" || fail "chair signing the unsigned minutes: no reason"
run $EX_OK env DINH_PASSWORD=$PW "$DINH" pdf sign --identity "$T/chair-sign.p12" \
	"$T/bb-sec.pdf" "$T/bb-both.pdf"
run $EX_OK as chair meeting sign-minutes "$M" "$T/bb-both.pdf"
[ "$(val signatures)" = 2 ] || fail "chair's signature not counted"
run $EX_OK as d3 meeting minutes "$M" "$T/bb-got.pdf"
cmp -s "$T/bb-got.pdf" "$T/bb-both.pdf" || fail "the archived minutes are not the signed ones"
run $EX_OK "$DINH" pdf verify --trust "$D/ca/ca.pem" "$T/bb-got.pdf"

# The halls stop when the meeting closes; they showed the vote result.
stopped() { # PID WHAT ERRFILE: waits up to 10 s for PID to end, with status 0
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -le 600 ] || fail "$2 did not stop at closing"; sleep 0.05
	done
	wait "$1" || fail "$2 exited with an error: $(cat "$3")"
}
stopped "$hall_pid" dinh-hall "$T/hall.err"
hall_pid=
grep -q "^vote Result of the vote" "$T/hall.out" || fail "the hall did not show the result"
if [ -n "$GTK" ]; then
	stopped "$gtk_pid" "the viewer" "$T/hall2.err"
	gtk_pid=
	grep -q "^vote $VOTED .*2 .*1 .*1 " "$T/hall2.out" || fail "the viewer missed the result"
	grep -q "^event meeting.page .*page=3" "$T/hall2.out" || fail "the viewer did not follow"
fi

# Git accepts the repository; a restart keeps the whole record.
git --git-dir "$D/repo.git" fsck --strict >"$T/out" 2>&1 || fail "git fsck"
git --git-dir "$D/repo.git" log --format=%s | grep -q "Cuộc họp $M: biểu quyết" || fail "no ballot commit"
run $EX_OK as chair meeting show "$M"
cp "$T/out" "$T/show.before"
kill -TERM "$pid"
wait "$pid" || fail "dinhd did not stop cleanly (status $?)"
pid=
start
run $EX_OK as chair meeting show "$M"
cmp -s "$T/out" "$T/show.before" || fail "the meeting changed across a restart"
run $EX_OK as d3 meeting vote-show "$M" "$V"
grep -q "ballot person=$D1 name=Phạm Văn Cường choice=yes" "$T/out" || fail "ballots lost at restart"
echo "PASS: meeting"
