# lib.sh: what the shell integration tests share, sourced after setting
# NAME (the scratch directory's prefix):
#   $T        a scratch directory, removed at exit with any dinhd left
#   $D        $T/data, the data directory
#   fail MSG  prints MSG, $T/out and the end of dinhd's log, exits 1
#   run N CMD...  runs CMD (stdout and stderr into $T/out), fails unless it exits N
#   start     starts dinhd on $D (port $PORT, else a free one), waits for
#             dinhd.addr; sets pid, ADDR, PORT
#   portal_start  start, then waits for portal.addr; sets PP (the portal's
#             port) and URL (https://localhost:PP)
#   get PATH [CURL-OPTIONS...]  asks the portal (trusting the commune CA):
#             the body in $T/body, the headers in $T/head; prints the status
#   desk_dossier  adds a desk officer "Lý Thị Hoa", files a khai-sinh dossier
#             online and receives it; sets code, secret, doc; desk CMD... runs
#             the CLI as that officer
#   officer_result  after desk_dossier: adds an officer "Phạm Văn Cường" with
#             an official signing certificate recorded as his, signs a PDF
#             offline with it ($T/result.pdf), has the desk start the dossier
#             and the officer finish it with that signed PDF; sets result_sha
#             (its SHA-256); officer CMD... runs the CLI as him
# Skips (77) when dinhd or dinh are not built.
top_srcdir=${top_srcdir:-$(pwd)}
top_builddir=${top_builddir:-$(pwd)}
DINHD=$top_builddir/server/dinhd
DINH=$top_builddir/clients/dinh
[ -x "$DINHD" ] && [ -x "$DINH" ] || { echo "SKIP: not built"; exit 77; }
T=$(mktemp -d "/tmp/dinh-${NAME:-it}-XXXXXX") || exit 99
D=$T/data
pid=
it_cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "${it_extra_cleanup:-}" ] && $it_extra_cleanup
	rm -rf "$T"
}
trap it_cleanup EXIT
fail() {
	echo "FAIL: $*"
	[ -f "$T/out" ] && sed 's/^/  out: /' "$T/out"
	[ -f "$T/dinhd.log" ] && tail -n 20 "$T/dinhd.log" | sed 's/^/  log: /'
	exit 1
}
run() {
	want=$1
	shift
	"$@" >"$T/out" 2>&1 </dev/null
	got=$?
	[ "$got" -eq "$want" ] || fail "exit $got (want $want): $*"
}
start() {
	rm -f "$D/dinhd.addr"
	"$DINHD" -d --data-dir "$D" --listen "127.0.0.1:${PORT:-0}" >>"$T/dinhd.log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q ':' "$D/dinhd.addr" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 300 ] || fail "dinhd did not start"
		kill -0 "$pid" 2>/dev/null || fail "dinhd exited during start"
		sleep 0.05
	done
	ADDR=$(head -n 1 "$D/dinhd.addr")
	PORT=${ADDR##*:}
}
portal_start() {
	start
	i=0
	while ! grep -q ':' "$D/portal.addr" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "no portal.addr"
		sleep 0.05
	done
	PP=$(head -n 1 "$D/portal.addr")
	PP=${PP##*:}
	URL=https://localhost:$PP
}
get() { # get PATH [curl options...]: body in $T/body, headers in $T/head, prints the status
	p=$1
	shift
	curl -s --cacert "$D/ca/ca.pem" --resolve "localhost:$PP:127.0.0.1" -D "$T/head" \
		-o "$T/body" -w '%{http_code}' "$@" "$URL$p"
}
desk() { DINH_PASSWORD=deskpass "$DINH" --server "127.0.0.1:$PORT" --ca "$D/ca/ca.pem" --identity "$T/desk.p12" "$@"; }
desk_dossier() {
	DINH_NEW_PASSWORD=deskpass run 0 "$DINH" --data-dir "$D" user add "Lý Thị Hoa" --roles desk \
		--out "$T/desk.p12"
	desk doc create dossier --field ProcedureId=khai-sinh --field "Applicant=Hoàng Văn Em" \
		--field Channel=online --field "Subject=Đăng ký khai sinh" >"$T/created" 2>&1 || fail "create"
	code=$(sed -n 's/^Dossier code: //p' "$T/created")
	secret=$(sed -n 's/^Secret for the citizen (shown once): //p' "$T/created")
	doc=$(sed -n 's/^Document \([^ ]*\).*/\1/p' "$T/created" | head -n 1)
	[ -n "$doc" ] || doc=$(sed -n 's/.*\(20[0-9][0-9]-hs-[0-9]*\).*/\1/p' "$T/created" | head -n 1)
	[ -n "$code" ] && [ -n "$secret" ] && [ -n "$doc" ] || fail "no code, secret or document: $(cat "$T/created")"
	desk doc act "$doc" receive >"$T/out" 2>&1 || fail "receive"
}
officer() { DINH_PASSWORD=offpass "$DINH" --server "127.0.0.1:$PORT" --ca "$D/ca/ca.pem" --identity "$T/officer.p12" "$@"; }
officer_result() {
	DINH_NEW_PASSWORD=offpass "$DINH" --data-dir "$D" user add "Phạm Văn Cường" --roles officer \
		--out "$T/officer.p12" >"$T/out" 2>&1 || fail "officer enrolment"
	off_id=$(sed -n 's/^Enrolled .* as \([^ ]*\) (certificate.*/\1/p' "$T/out")
	[ -n "$off_id" ] || fail "no id for the officer"
	run 0 env DINH_NEW_PASSWORD=offsign "$DINH" --data-dir "$D" cert issue "Phạm Văn Cường" \
		--profile official --person "$off_id" --out "$T/officer-sign.p12"
	run 0 "$DINH" pdf gen agenda "${top_srcdir:-.}/tests/fuzz/corpus/genxml/agenda.xml" \
		"$T/result-unsigned.pdf"
	run 0 env DINH_PASSWORD=offsign "$DINH" pdf sign --identity "$T/officer-sign.p12" \
		"$T/result-unsigned.pdf" "$T/result.pdf"
	result_sha=$(officer file put "$T/result.pdf" 2>"$T/out")
	[ ${#result_sha} -eq 64 ] || fail "file put of the result: $result_sha"
	[ "$result_sha" = "$(sha256sum <"$T/result.pdf" | cut -c1-64)" ] || fail "file put: another hash"
	desk doc act "$doc" start >"$T/out" 2>&1 || fail "start"
	officer doc act "$doc" finish --signed-pdf "$result_sha" >"$T/out" 2>&1 || fail "finish"
}
export LANGUAGE=en LC_ALL=C.UTF-8
mkdir -p "$D"
