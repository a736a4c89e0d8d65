#!/bin/bash
# meet-bench.sh: the meetings benchmark (docs/benchmarks.md, "Meetings").
# On loopback, in one run: a fresh dinhd, a chair, a secretary, BENCH_HALLS
# halls and BENCH_VOTERS participants enrolled once (timed), one meeting
# holding them all with a pack of BENCH_PACK_MB MB (PDFs made with
# `dinh pdf gen`, padded), then BENCH_RUNS times each:
#   1. every hall fetches the whole pack at once (tests/bench/meet-load),
#      next to nginx (TLS 1.3, the same ECDSA P-256 server key, client
#      certificates required) serving the same documents to as many curl
#      clients at once: wall time, server CPU-seconds per GB (utime+stime of
#      /proc/PID/stat before and after, nginx's workers included);
#   2. a re-publish with one 1 MB document replaced by another, and one with
#      that document re-signed (its bytes plus an appended revision): what
#      each hall received, payload and TCP bytes;
#   3. BENCH_PAGES page changes by the chair to every hall joined: latency
#      from the chair's send to each hall's receipt of meeting.page;
#   4. every participant votes at once: counts, named result, duplicates
#      refused, acknowledgement latency.
# Figures as `name: value unit` lines on stdout (medians over the runs), the
# raw lines of every run on stderr.  Every process it starts is stopped on
# exit.
#
# Needs nginx and curl: on Debian `apt-get install -y nginx curl` (the
# package starts a system nginx on :80: `systemctl stop nginx`).
# usage: tests/bench/meet-bench.sh   (after make; from the build tree or with
#   top_builddir set).  Environment [defaults]: BENCH_HALLS [200]
#   BENCH_VOTERS [500] BENCH_PACK_MB [50] BENCH_RUNS [3] BENCH_PAGES [50]
#   BENCH_GAP_MS [20] (between two page changes)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
DINHD=$top_builddir/server/dinhd
DINH=$top_builddir/clients/dinh
LOAD=$top_builddir/tests/bench/meet-load
NGINX=${NGINX:-/usr/sbin/nginx}
HALLS=${BENCH_HALLS:-200}
VOTERS=${BENCH_VOTERS:-500}
PACK_MB=${BENCH_PACK_MB:-50}
RUNS=${BENCH_RUNS:-3}
PAGES=${BENCH_PAGES:-50}
GAP_MS=${BENCH_GAP_MS:-20}
PW=bench-pw-$$

log() { echo "# $*" >&2; }
die() {
	echo "meet-bench.sh: $*" >&2
	exit 1
}
for x in "$DINHD" "$DINH" "$LOAD"; do
	[ -x "$x" ] || die "$x not built (make)"
done
[ -x "$NGINX" ] || die "no $NGINX: apt-get install -y nginx (then systemctl stop nginx)"
command -v curl >/dev/null || die "no curl: apt-get install -y curl"
ulimit -n 8192 2>/dev/null || ulimit -n 4096 || true

tmp=$(mktemp -d /tmp/dinh-meetbench-XXXXXX)
DATA=$tmp/data
kids=()
stop_kids() {
	local p
	for p in "${kids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	sleep 0.5
	for p in "${kids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap stop_kids EXIT
trap 'exit 130' INT TERM
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
# The median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# The value of key @2 in the key=value line @1.
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -1; }
# utime+stime in clock ticks of process @1 and its children (nginx workers).
ticks() {
	local t=0 p
	for p in $1 $(pgrep -P "$1" || true); do
		t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat")))
	done
	echo $t
}
hz=$(getconf CLK_TCK)

# --- dinhd, the people ----------------------------------------------------------
"$DINHD" -d --data-dir "$DATA" --listen 127.0.0.1:0 2>"$tmp/dinhd.log" &
dinhd=$!
kids+=($dinhd)
for _ in $(seq 300); do
	grep -qs : "$DATA/dinhd.addr" && break
	sleep 0.1
done
ADDR=$(head -1 "$DATA/dinhd.addr") || die "dinhd did not start"
log "dinhd pid $dinhd on $ADDR"
mkdir -p "$tmp/id" "$tmp/pack" "$tmp/www"
export DINH DATA PW tmp
# enrol KIND NAME OUT ROLES: prints the new ID.
enrol() {
	local roles=()
	[ "$1" = user ] && roles=(--roles "$4")
	DINH_NEW_PASSWORD=$PW "$DINH" --data-dir "$DATA" "$1" add "$2" "${roles[@]}" --out "$3" |
		sed -n 's/^Enrolled .* as \([^ ]*\) (certificate.*/\1/p'
}
export -f enrol
t0=$(now)
chair=$(enrol user "Chủ tọa Đo Tải" "$tmp/id/chair.p12" chair)
sec=$(enrol user "Thư ký Đo Tải" "$tmp/id/sec.p12" secretary)
# two at a time: the machine has two cores
seq "$HALLS" | xargs -P2 -I{} bash -c 'enrol hall "Nhà văn hóa đo tải {}" "$tmp/id/h{}.p12"' >"$tmp/halls.ids"
seq "$VOTERS" | xargs -P2 -I{} bash -c 'enrol user "Đại biểu đo tải {}" "$tmp/id/v{}.p12" delegate' >"$tmp/voters.ids"
enrol_s=$(calc "$(now) - $t0")
[ "$(wc -l <"$tmp/halls.ids")" = "$HALLS" ] && [ "$(wc -l <"$tmp/voters.ids")" = "$VOTERS" ] ||
	die "enrolment failed: $(wc -l <"$tmp/halls.ids") halls, $(wc -l <"$tmp/voters.ids") voters"
log "enrolled $((HALLS + VOTERS + 2)) identities in $enrol_s s"
ls "$tmp"/id/h*.p12 >"$tmp/halls.list"
ls "$tmp"/id/v*.p12 >"$tmp/voters.list"
as() {
	local who=$1
	shift
	DINH_PASSWORD=$PW "$DINH" --server "$ADDR" --ca "$DATA/ca/ca.pem" --identity "$tmp/id/$who.p12" "$@"
}

# --- the pack: seven large documents and the 1 MB one that changes -----------
# pdfdoc OUT BYTES: a real PDF (the agenda generator), padded after %%EOF.
pdfdoc() {
	"$DINH" pdf gen agenda "$top_srcdir/tests/fuzz/corpus/genxml/agenda.xml" "$1" >/dev/null
	head -c $(($2 - $(stat -c %s "$1"))) /dev/urandom >>"$1"
}
big=$(((PACK_MB - 1) * 1024 * 1024 / 7))
for i in 1 2 3 4 5 6 7; do
	pdfdoc "$tmp/pack/d$i.pdf" $big
done
pdfdoc "$tmp/pack/small.pdf" $((1024 * 1024))
# definition SMALL: the meeting with the changing document at path SMALL.
definition() {
	echo "<meeting title=\"Kỳ họp đo tải\" start=\"2026-12-20 08:00\" end=\"2026-12-20 11:00\" place=\"Hội trường UBND xã\" chair=\"$chair\" secretary=\"$sec\">"
	cat "$tmp/halls.ids" "$tmp/voters.ids" | sed 's/.*/ <member id="&"\/>/'
	echo " <member id=\"$chair\"/><member id=\"$sec\"/>"
	echo " <item title=\"Báo cáo kinh tế - xã hội\">"
	for i in 1 2 3 4; do echo "  <doc file=\"d$i.pdf\" name=\"bao-cao-$i.pdf\"/>"; done
	echo " </item><item title=\"Quy hoạch\">"
	for i in 5 6 7; do echo "  <doc file=\"d$i.pdf\" name=\"quy-hoach-$i.pdf\"/>"; done
	echo " </item><item title=\"Tờ trình\"><doc file=\"$1\" name=\"to-trinh.pdf\"/></item>"
	echo "</meeting>"
}
definition small.pdf >"$tmp/pack/m.xml"
M=$(as chair meeting create "$tmp/pack/m.xml" | sed -n 's/^meeting=//p')
[ -n "$M" ] || die "meeting create failed"
as chair meeting publish "$M" >/dev/null || die "publish failed"
pack_bytes=$(cat "$tmp"/pack/d?.pdf "$tmp/pack/small.pdf" | wc -c)
log "meeting $M published: $pack_bytes bytes of documents"

# --- nginx and curl ---------------------------------------------------------------
ln "$tmp"/pack/d?.pdf "$tmp/pack/small.pdf" "$tmp/www/"
openssl pkcs12 -in "$tmp/id/h1.p12" -passin "pass:$PW" -nodes -nocerts -out "$tmp/curl.key" 2>/dev/null
openssl pkcs12 -in "$tmp/id/h1.p12" -passin "pass:$PW" -nokeys -clcerts -out "$tmp/curl.pem" 2>/dev/null
nport=$((20000 + RANDOM % 20000))
user=
[ "$(id -u)" = 0 ] && user="user root root;"
cat >"$tmp/nginx.conf" <<EOF
$user
daemon off;
worker_processes 2;
worker_rlimit_nofile 8192;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $tmp/ngtmp;
    proxy_temp_path $tmp/ngtmp;
    fastcgi_temp_path $tmp/ngtmp;
    uwsgi_temp_path $tmp/ngtmp;
    scgi_temp_path $tmp/ngtmp;
    default_type application/pdf;
    server {
        listen 127.0.0.1:$nport ssl backlog=4096;
        ssl_certificate $DATA/server/server.pem;
        ssl_certificate_key $DATA/server/server.key;
        ssl_protocols TLSv1.3;
        ssl_client_certificate $DATA/ca/ca.pem;
        ssl_verify_client on;
        ssl_session_cache off;
        ssl_session_tickets off;
        root $tmp/www;
    }
}
EOF
"$NGINX" -p "$tmp" -c "$tmp/nginx.conf" 2>"$tmp/nginx.stderr" &
nginx=$!
kids+=($nginx)
for _ in $(seq 50); do
	[ -s "$tmp/nginx.pid" ] && break
	sleep 0.1
done
kill -0 $nginx 2>/dev/null || die "nginx did not start: $(cat "$tmp/nginx.stderr")"
urls=()
for f in "$tmp"/www/*.pdf; do
	urls+=(-o /dev/null "https://127.0.0.1:$nport/$(basename "$f")")
done
# One curl client per hall, each fetching every document on one connection.
curl_all() {
	local i cp=()
	for i in $(seq "$HALLS"); do
		curl -s --tlsv1.3 --cacert "$DATA/ca/ca.pem" --cert "$tmp/curl.pem" --key "$tmp/curl.key" \
			-w '%{size_download}\n' "${urls[@]}" >"$tmp/curl.$i" &
		cp+=($!)
	done
	wait "${cp[@]}" || true
}

# --- meet-load ----------------------------------------------------------------------
coproc LOADP { DINH_PASSWORD=$PW exec "$LOAD" --server "$ADDR" --ca "$DATA/ca/ca.pem" --meeting "$M" \
	--chair "$tmp/id/chair.p12" --halls "$tmp/halls.list" --voters "$tmp/voters.list" 2>"$tmp/load.err"; }
kids+=($LOADP_PID)
out_fd=${LOADP[1]}
in_fd=${LOADP[0]}
ask() {
	local line
	[ -n "$1" ] && echo "$1" >&"$out_fd"
	read -r -t 1200 line <&"$in_fd" || die "meet-load gave no answer to '$1': $(tail -3 "$tmp/load.err")"
	echo "$line" >&2
	echo "$line"
}
loaded=$(ask "")
log "meet-load: $loaded"

declare -A col # figure name -> values, one a line
note() {
	col[$1]+="$2"$'\n'
	log "run $r: $1 $2"
}
# republish DOC NAME: the meeting with DOC as its changing document,
# published again; what the halls then fetch noted as NAME_*.
republish() {
	local res
	definition "$1" >"$tmp/pack/m.xml"
	as chair meeting edit "$M" "$tmp/pack/m.xml" >/dev/null || die "edit failed"
	as chair meeting publish "$M" >/dev/null || die "publish failed"
	res=$(ask fetch)
	[ "$(kv "$res" failed)" = 0 ] || die "fetch after re-publish: $res"
	note "$2_hall_max" "$(kv "$res" hall_max)"
	note "$2_wire_max" "$(kv "$res" wire_max)"
}

for r in $(seq "$RUNS"); do
	log "--- run $r of $RUNS"
	# 1. the whole pack to every hall, then the same documents from nginx
	c0=$(ticks $dinhd)
	res=$(ask "fetch fresh")
	c1=$(ticks $dinhd)
	[ "$(kv "$res" failed)" = 0 ] || die "fetch: $res"
	bytes=$(kv "$res" bytes)
	note dinh_wall "$(kv "$res" wall)"
	note dinh_cpu_gb "$(calc "($c1 - $c0) / $hz / ($bytes / 1e9)")"
	c0=$(ticks $nginx)
	t0=$(now)
	curl_all
	t1=$(now)
	c1=$(ticks $nginx)
	nbytes=$(cat "$tmp"/curl.[0-9]* | awk '{ s += $1 } END { printf "%.0f", s }')
	[ "$nbytes" = $((pack_bytes * HALLS)) ] || log "CURL SHORT: $nbytes bytes, not $((pack_bytes * HALLS))"
	note nginx_wall "$(calc "$t1 - $t0")"
	note nginx_cpu_gb "$(calc "($c1 - $c0) / $hz / ($nbytes / 1e9)")"
	log "dinhd $bytes bytes, nginx $nbytes bytes"

	# 2. re-publish: the 1 MB document replaced, then re-signed (extended)
	pdfdoc "$tmp/pack/new$r.pdf" $((1024 * 1024))
	republish "new$r.pdf" replaced
	cp "$tmp/pack/new$r.pdf" "$tmp/pack/signed$r.pdf"
	head -c 20000 /dev/urandom >>"$tmp/pack/signed$r.pdf"
	republish "signed$r.pdf" signed

	# 3. page changes
	res=$(ask "fanout $PAGES $GAP_MS")
	[ "$(kv "$res" missing)" = 0 ] || log "fanout: pages missing"
	note fan_p50 "$(kv "$res" p50_ms)"
	note fan_p99 "$(kv "$res" p99_ms)"
	note fan_missing "$(kv "$res" missing)"

	# 4. everyone votes at once
	res=$(ask vote)
	[ "$(kv "$res" counts_ok)" = 1 ] && [ "$(kv "$res" named_ok)" = 1 ] &&
		[ "$(kv "$res" dup_accepted)" = 0 ] && [ "$(kv "$res" failed)" = 0 ] ||
		log "vote: WRONG RESULT OR VOTERS MISSING: $res"
	# correct: every voter acknowledged, counts and named result as acknowledged
	note vote_ok "$(($(kv "$res" counts_ok) * $(kv "$res" named_ok) * ($(kv "$res" failed) == 0)))"
	note vote_p50 "$(kv "$res" p50_ms)"
	note vote_p99 "$(kv "$res" p99_ms)"
	note vote_all "$(kv "$res" all_acked_ms)"
	note vote_spread "$(kv "$res" send_spread_ms)"
done
echo quit >&"$out_fd"

med() { printf '%s' "${col[$1]}" | median; }
echo "enrolment: $enrol_s s for $((HALLS + VOTERS + 2)) identities"
echo "identities loaded by meet-load: $(kv "$loaded" seconds) s"
echo "pack: $pack_bytes bytes of documents to $HALLS halls"
echo "dinhd pack wall: $(med dinh_wall) s"
echo "nginx pack wall: $(med nginx_wall) s"
echo "dinhd cpu per GB: $(med dinh_cpu_gb) s"
echo "nginx cpu per GB: $(med nginx_cpu_gb) s"
echo "cpu per GB ratio dinhd/nginx: $(calc "$(med dinh_cpu_gb) / $(med nginx_cpu_gb)")"
echo "re-publish, 1 MB document replaced, max per hall: $(med replaced_hall_max) bytes payload, $(med replaced_wire_max) bytes TCP"
echo "re-publish, document re-signed (+20000 B), max per hall: $(med signed_hall_max) bytes payload, $(med signed_wire_max) bytes TCP"
echo "page fan-out to $HALLS halls: p50 $(med fan_p50) ms, p99 $(med fan_p99) ms, missing $(printf '%s' "${col[fan_missing]}" | awk '{ s += $1 } END { print s + 0 }')"
echo "vote of $VOTERS: results correct in $(printf '%s' "${col[vote_ok]}" | awk '{ s += $1 } END { print s + 0 }') of $RUNS runs; ack p50 $(med vote_p50) ms, p99 $(med vote_p99) ms; all acked $(med vote_all) ms after the open; sends spread over $(med vote_spread) ms"
