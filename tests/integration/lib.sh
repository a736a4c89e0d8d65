# lib.sh: what the shell integration tests share, sourced after setting
# NAME (the scratch directory's prefix):
#   $T        a scratch directory, removed at exit with any dinhd left
#   $D        $T/data, the data directory
#   fail MSG  prints MSG, $T/out and the end of dinhd's log, exits 1
#   run N CMD...  runs CMD (stdout and stderr into $T/out), fails unless it exits N
#   start     starts dinhd on $D (port $PORT, else a free one), waits for
#             dinhd.addr; sets pid, ADDR, PORT
#   portal_start  start, then waits for portal.addr; sets PP (the portal's port)
#   desk_dossier  adds a desk officer "Lý Thị Hoa", files a khai-sinh dossier
#             online and receives it; sets code, secret, doc; desk CMD... runs
#             the CLI as that officer
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
export LANGUAGE=en LC_ALL=C.UTF-8
mkdir -p "$D"
