#!/bin/sh
# test_cli.sh: drives the real `dinh` CLI against a real dinhd on loopback:
# whoami as the admin, user add (PKCS#12 out), the new person's whoami with
# his Vietnamese name, a 3 MB file round trip, a signing certificate issued and
# revoked, user list, revoke, the exit
# codes of docs/cli.md and the Vietnamese translation.
set -u

top_builddir=${top_builddir:-$(pwd)}
DINHD=$top_builddir/server/dinhd
DINH=$top_builddir/clients/dinh
# Exit codes of docs/cli.md.
EX_OK=0 EX_USAGE=1 EX_AUTH=3 EX_PERM=4 EX_NOTFOUND=5 EX_SERVER=6 EX_LOCAL=7

if [ ! -x "$DINHD" ] || [ ! -x "$DINH" ]; then
	echo "SKIP: $DINHD or $DINH not built"
	exit 77
fi

T=$(mktemp -d /tmp/dinh-cli-XXXXXX) || exit 99
D=$T/data
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

fail() {
	echo "FAIL: $*"
	if [ -f "$T/out" ]; then sed 's/^/  out: /' "$T/out"; fi
	if [ -f "$T/dinhd.log" ]; then tail -n 30 "$T/dinhd.log" | sed 's/^/  log: /'; fi
	exit 1
}

# run EXPECTED_STATUS CMD...: runs CMD with stdout+stderr into $T/out.
run() {
	want=$1
	shift
	"$@" >"$T/out" 2>&1 </dev/null
	got=$?
	[ "$got" -eq "$want" ] || fail "exit $got (want $want): $*"
}

mkdir -p "$D" || exit 99
export LANGUAGE=en LC_ALL=C.UTF-8
unset DINH_PASSWORD DINH_NEW_PASSWORD

"$DINHD" -d --data-dir "$D" --listen 127.0.0.1:0 >"$T/dinhd.log" 2>&1 &
pid=$!
i=0
while ! grep -q ':' "$D/dinhd.addr" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 200 ] || fail "dinhd.addr did not appear within 10 s"
	kill -0 "$pid" 2>/dev/null || fail "dinhd exited during start"
	sleep 0.05
done
ADDR=$(head -n 1 "$D/dinhd.addr")
PORT=${ADDR##*:}
echo "dinhd on port $PORT"

# The admin, through the data directory.
run $EX_OK "$DINH" --data-dir "$D" whoami
grep -qi admin "$T/out" || fail "whoami does not name the admin"

# A new clerk with a Vietnamese name.
NAME="Nguyễn Văn An"
PASS="mat-khau-thu-nghiem-42"
run $EX_OK env DINH_NEW_PASSWORD="$PASS" "$DINH" --data-dir "$D" user add "$NAME" \
	--roles clerk --out "$T/an.p12"
[ -f "$T/an.p12" ] || fail "user add wrote no $T/an.p12"
mode=$(stat -c %a "$T/an.p12")
[ "$mode" = 600 ] || fail "an.p12 has mode $mode"

AN="$DINH --server 127.0.0.1:$PORT --ca $D/ca/ca.pem --identity $T/an.p12"
run $EX_OK env DINH_PASSWORD="$PASS" $AN whoami
grep -q "$NAME" "$T/out" || fail "whoami does not print $NAME"

# A wrong password is an authentication failure, not a crash.
run $EX_AUTH env DINH_PASSWORD="sai-mat-khau" $AN whoami

# File round trip: 3 MB of random bytes.
head -c 3145728 /dev/urandom >"$T/in.bin" || exit 99
SUM=$(sha256sum "$T/in.bin" | cut -d' ' -f1)
run $EX_OK env DINH_PASSWORD="$PASS" $AN file put "$T/in.bin"
grep -q "$SUM" "$T/out" || fail "file put does not print the sha256 $SUM"
run $EX_OK env DINH_PASSWORD="$PASS" $AN file get "$SUM" --out "$T/out.bin"
GOT=$(sha256sum "$T/out.bin" | cut -d' ' -f1)
[ "$GOT" = "$SUM" ] || fail "round trip changed the file ($GOT)"

# Errors with their documented exit codes.
run $EX_USAGE "$DINH" --no-such-option
run $EX_NOTFOUND env DINH_PASSWORD="$PASS" $AN file get \
	0000000000000000000000000000000000000000000000000000000000000000 --out "$T/none.bin"
run $EX_LOCAL env DINH_PASSWORD="$PASS" $AN file put "$T/does-not-exist"

# Documents: the clerk registers an incoming document with its file; the
# chair directs it; refusals change nothing; a repeated request applies once;
# plain git tells the story.
run $EX_OK env DINH_PASSWORD="$PASS" $AN wf list
grep -q "register" "$T/out" || fail "wf list shows no register action"
# A PDF attached to a document must open in the sandbox: random bytes
# named .pdf are refused with the reason, a real PDF goes through.
run $EX_SERVER env DINH_PASSWORD="$PASS" $AN doc create incoming \
	--field "Subject=Về việc tổ chức hội nghị" --field "OrganName=UBND huyện" \
	--file "$SUM:cong-van.pdf"
grep -q "file cong-van.pdf: not a PDF" "$T/out" || fail "a fake PDF was not refused with its reason"
printf '%s\n' '%PDF-1.4' '1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj' \
	'2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj' \
	'3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R' \
	'/Resources<</Font<</F1 5 0 R>>>>>> endobj' \
	'4 0 obj <</Length 55>> stream' 'BT /F1 12 Tf 72 700 Td (Ke hoach phong chong han han) Tj ET' \
	'endstream endobj' '5 0 obj <</Type/Font/Subtype/Type1/BaseFont/Helvetica>> endobj' \
	'trailer <</Root 1 0 R>>' '%%EOF' >"$T/cong-van.pdf"
run $EX_OK env DINH_PASSWORD="$PASS" $AN file put "$T/cong-van.pdf"
PDFSUM=$(sha256sum "$T/cong-van.pdf" | cut -d' ' -f1)
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc create incoming \
	--field "Subject=Về việc tổ chức hội nghị" --field "OrganName=UBND huyện" \
	--file "$PDFSUM:cong-van.pdf" --file "$SUM:phu-luc.bin"
DOC=$(grep -o '^[0-9]\{4\}-den-[0-9]*' "$T/out" | head -n 1)
[ -n "$DOC" ] || fail "doc create printed no document id: $(cat "$T/out")"
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc act "$DOC" register \
	--field CodeNumber=15 --field IssuedDate=2026-11-30 --rid reg-1
grep -q "number 01" "$T/out" || fail "register gave no number 01: $(cat "$T/out")"
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc act "$DOC" register \
	--field CodeNumber=15 --field IssuedDate=2026-11-30 --rid reg-1
grep -q "applied before" "$T/out" || fail "a repeated request was applied again"
run $EX_PERM env DINH_PASSWORD="$PASS" $AN doc act "$DOC" assign --lead x --due 2026-12-20
run $EX_SERVER env DINH_PASSWORD="$PASS" $AN doc act "$DOC" finish
run $EX_PERM "$DINH" --data-dir "$D" doc create incoming --field Subject=x --field OrganName=y
run $EX_NOTFOUND env DINH_PASSWORD="$PASS" $AN doc show 2026-den-999999
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc comment "$DOC" "Kính trình lãnh đạo"
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc show "$DOC"
grep -q "registered" "$T/out" || fail "doc show: $(cat "$T/out")"
grep -q "Kính trình lãnh đạo" "$T/out" || fail "doc show lacks the comment"
[ "$(git --git-dir="$D/repo.git" log --format=%an | head -n 1)" = "$NAME" ] ||
	fail "the last commit is not authored by $NAME"
git --git-dir="$D/repo.git" fsck --strict --no-dangling >/dev/null 2>&1 || fail "git fsck"
grep -q "$DOC" "$D/views.log" || fail "views.log does not record the reading"

# The index: the clerk's inbox, search without diacritics, the register
# as CSV, statistics, and the check that index and git agree.
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc create incoming \
	--field "Subject=Hồ sơ đất đai thôn Đông" --field "OrganName=Sở Tài nguyên"
DOC2=$(grep -o '^[0-9]\{4\}-den-[0-9]*' "$T/out" | head -n 1)
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc inbox
grep -q "^$DOC2 " "$T/out" || fail "the new document is not in the clerk's inbox"
grep -q "^$DOC " "$T/out" && fail "a registered document waits for the chair, not the clerk"
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc search phong chong han
grep -q "^$DOC " "$T/out" || fail "search does not find the words of the attached PDF"
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc search ho so dat dai
grep -q "^$DOC2 " "$T/out" || fail "search without diacritics did not find it"
grep -q "^$DOC " "$T/out" && fail "search found a document without those words"
TODAY=$(date -u -d '+7 hours' +%F)
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc register den "$TODAY" "$TODAY" -o "$T/so-den.csv"
grep -q "Số đến" "$T/so-den.csv" || fail "the register has no heading"
grep -q ",01,UBND huyện,15," "$T/so-den.csv" || fail "the register lacks document 01"
[ "$(wc -l <"$T/so-den.csv")" -eq 2 ] || fail "the register has other rows than 01"
run $EX_OK env DINH_PASSWORD="$PASS" $AN doc stats 2026-01-01 2026-12-31
grep -q "received: 0" "$T/out" || fail "stats: $(cat "$T/out")"
run $EX_USAGE env DINH_PASSWORD="$PASS" $AN doc register den "$TODAY"
run $EX_SERVER env DINH_PASSWORD="$PASS" $AN doc register so-khac "$TODAY" "$TODAY"
run $EX_OK "$DINHD" --data-dir "$D" --check-index
grep -q "agree: 2 documents" "$T/out" || fail "check-index: $(cat "$T/out")"

# A citizen's signing certificate: PKCS#12 with documentSigning and the UID; the clerk may not
# issue one; revoked, the CRL the clerk fetches lists it.
run $EX_OK env DINH_NEW_PASSWORD="$PASS" "$DINH" --data-dir "$D" cert issue "Phạm Thị Dung" \
	--profile citizen --uid CCCD:001099012345 --out "$T/dung.p12"
SERIAL=$(grep -o 'certificate [0-9a-f]*' "$T/out" | head -n 1 | cut -d' ' -f2)
[ -n "$SERIAL" ] || fail "cert issue prints no serial"
certtool --p12-info --inder --infile "$T/dung.p12" --password "$PASS" 2>/dev/null |
	certtool -i >"$T/dung.txt" 2>&1 || fail "certtool cannot read dung.p12"
grep -q '1.3.6.1.5.5.7.3.36' "$T/dung.txt" || fail "no documentSigning purpose in dung.p12"
grep -q 'CCCD:001099012345' "$T/dung.txt" || fail "no UID in dung.p12"
run $EX_USAGE "$DINH" --data-dir "$D" cert issue "Phạm Thị Dung" --profile server --out "$T/x.p12"
run $EX_PERM env DINH_NEW_PASSWORD="$PASS" DINH_PASSWORD="$PASS" $AN cert issue "Lê Văn Cường" \
	--profile official --out "$T/x.p12"
run $EX_OK "$DINH" --data-dir "$D" cert revoke "$SERIAL"
run $EX_OK env DINH_PASSWORD="$PASS" $AN cert crl --out "$T/crl.pem"
certtool --crl-info --infile "$T/crl.pem" | grep -qi "$SERIAL" || fail "the CRL does not list $SERIAL"
run $EX_SERVER "$DINH" --data-dir "$D" cert revoke "$SERIAL"

# The registry lists him; revoke him; his whoami fails with exit 3.
run $EX_OK "$DINH" --data-dir "$D" user list
grep -q "$NAME" "$T/out" || fail "user list does not show $NAME"
ID=$(grep "$NAME" "$T/out" | grep -o 'nguyen-van-an[-0-9]*' | head -n 1)
[ -n "$ID" ] || fail "user list shows no id for $NAME"
run $EX_OK "$DINH" --data-dir "$D" user revoke "$ID"
run $EX_AUTH env DINH_PASSWORD="$PASS" $AN whoami
cp "$T/out" "$T/revoked.en"

# Vietnamese messages (the same failure, translated).
run $EX_AUTH env LANGUAGE=vi LC_ALL=C.UTF-8 DINH_PASSWORD="$PASS" \
	DINH_LOCALEDIR="${DINH_LOCALEDIR:-$top_builddir/po/locale}" $AN whoami
cmp -s "$T/out" "$T/revoked.en" && fail "LANGUAGE=vi output is not translated"
grep -q '[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơưăâêô]' "$T/out" ||
	fail "LANGUAGE=vi output has no Vietnamese letters"

# SIGTERM: dinhd exits 0.
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ "$st" -eq 0 ] || fail "dinhd exited $st after SIGTERM"

# A malformed or schema-invalid definition: dinhd refuses to start and
# names the file and the line.
mkdir -p "$D/workflows"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<workflow xmlns="urn:dinh:workflow:1" id="x"\n  name="Lỗi" kind="document" register="x" create-roles="clerk">\n  <state id="a" name="A" initial="true"/>\n  <transition id="go" name="Đi" from="a" to="nowhere" roles="mayor"/>\n</workflow>\n' \
	>"$D/workflows/hong.xml"
run 1 "$DINHD" -d --data-dir "$D" --listen 127.0.0.1:0
grep -q "hong.xml:[0-9]" "$T/out" || fail "the refusal does not name the file and line"
printf '<workflow><unclosed>\n' >"$D/workflows/hong.xml"
run 1 "$DINHD" --check-config --data-dir "$D"
grep -q "hong.xml:[0-9]" "$T/out" || fail "a malformed file is not named with its line"
rm -f "$D/workflows/hong.xml"

# The index is rebuilt from git alone, and agrees with it.
rm -f "$D/index.db" "$D/index.db-wal" "$D/index.db-shm"
run $EX_OK "$DINHD" --data-dir "$D" --reindex
grep -q "rebuilt from git: 2 documents" "$T/out" || fail "reindex: $(cat "$T/out")"
run $EX_OK "$DINHD" --data-dir "$D" --check-index
echo "PASS"
exit 0
