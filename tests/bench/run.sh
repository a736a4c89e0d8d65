#!/bin/bash
# run.sh: the foundation benchmark of dinhd against nginx (docs/benchmarks.md).
# Starts dinhd on a fresh data directory and nginx with the same commune CA,
# server key type (ECDSA P-256) and client-certificate verification, drives
# both with tests/bench/dinh-load, and prints one `name: value unit` line per
# figure on stdout (details on stderr).  Loopback only; bounded in time;
# every process it starts is stopped on exit.
#
# usage: tests/bench/run.sh [--nginx-only]
#   --nginx-only   no dinhd: a throw-away CA made with certtool stands in for
#                  the data directory (to test the script and nginx alone)
# environment (defaults in brackets):
#   top_builddir [the source tree]  BENCH_HS_SECONDS [10]  BENCH_HS_CONC [64]
#   BENCH_IDLE [10000]  BENCH_IDLE_CONC [100]  BENCH_FILE_MB [50]
#   BENCH_CLIENTS [100]  BENCH_THREADS [1]  BENCH_VERIFY [0: the generator
#   does not verify the server chain; 1: it does, against the commune CA]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
DINHD=$top_builddir/server/dinhd
DINH=$top_builddir/clients/dinh
LOAD=${DINH_LOAD:-$top_builddir/tests/bench/dinh-load}
HS_SECONDS=${BENCH_HS_SECONDS:-10}
HS_CONC=${BENCH_HS_CONC:-64}
IDLE=${BENCH_IDLE:-10000}
IDLE_CONC=${BENCH_IDLE_CONC:-100}
FILE_MB=${BENCH_FILE_MB:-50}
CLIENTS=${BENCH_CLIENTS:-100}
THREADS=${BENCH_THREADS:-1}
VERIFY=${BENCH_VERIFY:-0}
NGINX=${NGINX:-/usr/sbin/nginx}
nginx_only=0
[ "${1:-}" = --nginx-only ] && nginx_only=1

log() { echo "# $*" >&2; }
die() {
	echo "run.sh: $*" >&2
	exit 1
}

[ -x "$LOAD" ] || die "$LOAD not built (make)"
[ $nginx_only = 1 ] || [ -x "$DINHD" ] || die "$DINHD not built (or use --nginx-only)"
if [ ! -x "$NGINX" ]; then
	log "installing nginx"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >&2 ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >&2 ||
		die "nginx missing and apt-get failed"
	# the package starts a system nginx on :80; we do not want it
	systemctl stop nginx 2>/dev/null || true
fi

tmp=$(mktemp -d /tmp/dinh-bench-XXXXXX)
DATA=$tmp/data
pids=()
# Stops what this script started (by pid, TERM then KILL) and removes $tmp.
cleanup() {
	local p i
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for i in $(seq 50); do
		local alive=0
		for p in "${pids[@]}"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ $alive = 0 ] && break
		sleep 0.1
	done
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hz=$(getconf CLK_TCK)

# Pids of @1 and of its direct children (nginx workers).
family() {
	echo "$1"
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk -v pp="$1" '{ pid = $1; sub(/^.*\) /, ""); if ($2 == pp) print pid }'
}

# utime+stime (clock ticks) of @1 and its children, threads included.
cpu_ticks() {
	local t=0 p v
	for p in $(family "$1"); do
		v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || continue
		t=$((t + v))
	done
	echo $t
}

# VmRSS (KiB) of @1 and its children.
rss_kib() {
	local t=0 p v
	for p in $(family "$1"); do
		v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
		t=$((t + ${v:-0}))
	done
	echo $t
}

# Arithmetic with awk: calc EXPR.
calc() { awk "BEGIN { printf \"%s\", $1 }"; }

# The value of figure @2 in the generator output file @1.
figure() { awk -v k="$2:" '$1 == k { print $2; exit }' "$1"; }

# Waits up to @2 seconds for file @1 to hold a line.
wait_file() {
	local i
	for i in $(seq $(($2 * 10))); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# --- 1. the data directory and dinhd ----------------------------------------
make_pki() { # the --nginx-only stand-in for what dinhd creates on first start
	mkdir -p "$DATA/ca" "$DATA/server" "$DATA/admin"
	cd "$DATA"
	certtool -p --ecc --curve secp256r1 --outfile ca/ca.key 2>/dev/null
	printf 'cn = "UBND xa bench CA"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 30\n' >t.ca
	certtool -s --load-privkey ca/ca.key --template t.ca --outfile ca/ca.pem 2>/dev/null
	certtool -p --ecc --curve secp256r1 --outfile server/server.key 2>/dev/null
	printf 'cn = "dinhd"\nip_address = "127.0.0.1"\ndns_name = "localhost"\ntls_www_server\nsigning_key\nexpiration_days = 30\n' >t.srv
	certtool -c --load-privkey server/server.key --load-ca-certificate ca/ca.pem \
		--load-ca-privkey ca/ca.key --template t.srv --outfile server/server.pem 2>/dev/null
	certtool -p --ecc --curve secp256r1 --outfile admin/admin.key 2>/dev/null
	printf 'cn = "admin"\ntls_www_client\nsigning_key\nexpiration_days = 30\n' >t.cli
	certtool -c --load-privkey admin/admin.key --load-ca-certificate ca/ca.pem \
		--load-ca-privkey ca/ca.key --template t.cli --outfile admin/admin.pem 2>/dev/null
	head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >admin/admin.pass
	certtool --to-p12 --load-privkey admin/admin.key --load-certificate admin/admin.pem \
		--p12-name admin --password "$(cat admin/admin.pass)" --outder \
		--outfile admin/admin.p12 2>/dev/null
	rm -f t.ca t.srv t.cli admin/admin.key
	chmod 600 ca/ca.key server/server.key admin/admin.p12 admin/admin.pass
	cd - >/dev/null
}

dinhd_port=
if [ $nginx_only = 1 ]; then
	mkdir -p "$DATA"
	make_pki
else
	"$DINHD" -d --data-dir "$DATA" --listen 127.0.0.1:0 2>"$tmp/dinhd.log" &
	dinhd_pid=$!
	pids+=("$dinhd_pid")
	wait_file "$DATA/dinhd.addr" 30 || die "dinhd did not start: $(tail -5 "$tmp/dinhd.log")"
	dinhd_port=$(head -1 "$DATA/dinhd.addr" | sed 's/.*://')
	log "dinhd pid $dinhd_pid on 127.0.0.1:$dinhd_port"
fi
ID=(--p12 "$DATA/admin/admin.p12" --pass-file "$DATA/admin/admin.pass" -t "$THREADS")
[ "$VERIFY" = 1 ] && ID+=(--ca "$DATA/ca/ca.pem")

# The payload: random bytes, uploaded to dinhd, served by nginx.
payload=$tmp/www/file
mkdir -p "$tmp/www"
head -c "$((FILE_MB * 1024 * 1024))" /dev/urandom >"$payload"
size=$(stat -c %s "$payload")
sha=$(sha256sum "$payload" | cut -d' ' -f1)
printf 'hello\n' >"$tmp/www/hello"
if [ $nginx_only = 0 ]; then
	log "uploading $size bytes ($sha)"
	"$DINH" --server "127.0.0.1:$dinhd_port" --identity "$DATA/admin/admin.p12" \
		--password-file "$DATA/admin/admin.pass" --ca "$DATA/ca/ca.pem" \
		file put "$payload" >&2 || die "dinh file put failed"
fi

# --- 2. nginx -------------------------------------------------------------------
# start_nginx NAME WORKERS: a foreground nginx with its own prefix; sets
# ${NAME}_pid and ${NAME}_port.
start_nginx() {
	local name=$1 workers=$2 dir=$tmp/$1 port try user=
	mkdir -p "$dir/logs"
	cp "$DATA/server/server.key" "$DATA/server/server.pem" "$dir/"
	[ "$(id -u)" = 0 ] && user="user root root;"
	local crl=
	[ -s "$DATA/ca/crl.pem" ] && crl="ssl_crl $DATA/ca/crl.pem;"
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 20000))
		cat >"$dir/nginx.conf" <<-EOF
			$user
			daemon off;
			master_process on;
			worker_processes $workers;
			worker_rlimit_nofile 20000;
			pid $dir/nginx.pid;
			error_log $dir/logs/error.log warn;
			events { worker_connections 12000; }
			http {
			    access_log off;
			    client_body_temp_path $dir/tmp;
			    proxy_temp_path $dir/tmp;
			    fastcgi_temp_path $dir/tmp;
			    uwsgi_temp_path $dir/tmp;
			    scgi_temp_path $dir/tmp;
			    keepalive_timeout 300s;
			    keepalive_requests 100000;
			    default_type application/octet-stream;
			    server {
			        listen 127.0.0.1:$port ssl backlog=4096;
			        ssl_certificate $dir/server.pem;
			        ssl_certificate_key $dir/server.key;
			        ssl_protocols TLSv1.3;
			        ssl_client_certificate $DATA/ca/ca.pem;
			        ssl_verify_client on;
			        ssl_verify_depth 2;
			        $crl
			        ssl_session_cache off;
			        ssl_session_tickets off;
			        root $tmp/www;
			        location = /hello { }
			        location = /file { }
			    }
			}
		EOF
		"$NGINX" -p "$dir" -c "$dir/nginx.conf" 2>>"$dir/logs/stderr" &
		local pid=$!
		for _ in $(seq 30); do
			[ -s "$dir/nginx.pid" ] && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 $pid 2>/dev/null && [ -s "$dir/nginx.pid" ]; then
			pids+=("$pid")
			eval "${name}_pid=$pid ${name}_port=$port"
			log "$name (worker_processes $workers) pid $pid on 127.0.0.1:$port"
			return 0
		fi
		wait $pid 2>/dev/null || true
	done
	die "nginx did not start: $(tail -3 "$dir/logs/stderr" "$dir/logs/error.log")"
}
start_nginx nginx 2
start_nginx nginx1 1

servers=(nginx nginx1)
[ $nginx_only = 0 ] && servers=(dinhd nginx nginx1)
port_of() { eval echo "\${$1_port}"; }
pid_of() { eval echo "\${$1_pid}"; }
proto_of() { [ "$1" = dinhd ] && echo "" || echo "https-"; }

# Runs the generator against server @1 with mode @2 and options; output in
# $tmp/$1.$2.out (copied to stderr).
load() {
	local srv=$1 mode=$2
	shift 2
	local out=$tmp/$srv.$mode.out
	timeout 100 "$LOAD" "$(proto_of "$srv")$mode" -p "$(port_of "$srv")" "${ID[@]}" "$@" \
		>"$out" 2>&1 || log "$srv $mode: generator exit $?"
	sed "s/^/# $srv $mode: /" "$out" >&2
}

# --- 3. measurements ------------------------------------------------------------
declare -A fig

# Idle sessions first, on servers that have seen nothing but the upload.
idle() {
	local srv=$1 pid out rss0 rss1 lpid n
	pid=$(pid_of "$srv")
	out=$tmp/$srv.idle.out
	rss0=$(rss_kib "$pid")
	"$LOAD" "$(proto_of "$srv")idle" -p "$(port_of "$srv")" "${ID[@]}" -n "$IDLE" \
		-c "$IDLE_CONC" -d 60 >"$out" 2>&1 &
	lpid=$!
	pids+=("$lpid")
	for _ in $(seq 900); do
		grep -q '^established:' "$out" && break
		kill -0 $lpid 2>/dev/null || break
		sleep 0.1
	done
	sleep 1
	rss1=$(rss_kib "$pid")
	n=$(figure "$out" established)
	n=${n:-0}
	kill -TERM $lpid 2>/dev/null || true
	wait $lpid 2>/dev/null || true
	sed "s/^/# $srv idle: /" "$out" >&2
	fig[$srv.idle_sessions]=$n
	fig[$srv.idle_ramp_s]=$(figure "$out" ramp_s)
	fig[$srv.rss_before_idle_kib]=$rss0
	fig[$srv.rss_idle_kib]=$rss1
	fig[$srv.kib_per_session]=$([ "$n" -gt 0 ] && calc "($rss1 - $rss0) / $n" || echo nan)
	echo "$srv.idle_sessions: $n sessions"
	echo "$srv.kib_per_session: $(printf '%.1f' "${fig[$srv.kib_per_session]}") KiB"
	echo "$srv.rss_idle: $((rss1 / 1024)) MiB"
	sleep 2 # let the server see the closes
}

handshakes() {
	local srv=$1 pid c0 c1 n rate
	pid=$(pid_of "$srv")
	c0=$(cpu_ticks "$pid")
	load "$srv" handshake -c "$HS_CONC" -d "$HS_SECONDS"
	c1=$(cpu_ticks "$pid")
	n=$(figure "$tmp/$srv.handshake.out" handshakes)
	rate=$(figure "$tmp/$srv.handshake.out" handshakes_per_s)
	fig[$srv.handshakes_per_s]=${rate:-0}
	echo "$srv.handshakes_per_s: ${rate:-0} 1/s"
	if [ "${n:-0}" -gt 0 ]; then
		fig[$srv.cpu_ms_per_handshake]=$(calc "($c1 - $c0) * 1000 / $hz / $n")
		printf '%s.cpu_ms_per_handshake: %.3f ms\n' "$srv" "${fig[$srv.cpu_ms_per_handshake]}"
	fi
	echo "$srv.handshake_client_cpu_s: $(figure "$tmp/$srv.handshake.out" client_cpu_s) s"
}

download() {
	local srv=$1 pid c0 c1 bytes ok=1
	pid=$(pid_of "$srv")
	c0=$(cpu_ticks "$pid")
	if [ "$srv" = dinhd ]; then
		load "$srv" download -n "$CLIENTS" --sha256 "$sha" --size "$size" -d 60
	else
		load "$srv" download -n "$CLIENTS" --path /file --size "$size" -d 60
	fi
	c1=$(cpu_ticks "$pid")
	bytes=$(figure "$tmp/$srv.download.out" bytes)
	bytes=${bytes:-0}
	[ "$(figure "$tmp/$srv.download.out" downloads)" = "$CLIENTS" ] || ok=0
	[ "$bytes" = "$((size * CLIENTS))" ] || ok=0
	echo "$srv.download_complete: $([ $ok = 1 ] && echo yes || echo NO) ($bytes B)"
	echo "$srv.download_mb_per_s: $(figure "$tmp/$srv.download.out" mb_per_s) MB/s"
	if [ "$bytes" -gt 0 ]; then
		fig[$srv.cpu_s_per_gb]=$(calc "($c1 - $c0) / $hz / ($bytes / 1e9)")
		printf '%s.cpu_s_per_gb: %.2f s/GB\n' "$srv" "${fig[$srv.cpu_s_per_gb]}"
	fi
	echo "$srv.download_client_cpu_s: $(figure "$tmp/$srv.download.out" client_cpu_s) s"
}

# ratio NAME A B: prints NAME: A/B when both are known.
ratio() {
	local a=${fig[$2]:-} b=${fig[$3]:-}
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" != 0 ] && [ "$b" != nan ] && [ "$a" != nan ] &&
		printf '%s: %.2f x\n' "$1" "$(calc "$a / $b")"
	return 0
}

start=$SECONDS
echo "bench.file_size: $size B"
echo "bench.clients: $CLIENTS"
for s in "${servers[@]}"; do
	[ "$s" = nginx1 ] || idle "$s"
done
for s in "${servers[@]}"; do handshakes "$s"; done
for s in "${servers[@]}"; do download "$s"; done

if [ $nginx_only = 0 ]; then
	for b in nginx nginx1; do
		ratio "ratio.handshakes_per_s.dinhd_over_$b" dinhd.handshakes_per_s $b.handshakes_per_s
		ratio "ratio.cpu_ms_per_handshake.dinhd_over_$b" dinhd.cpu_ms_per_handshake \
			$b.cpu_ms_per_handshake
		ratio "ratio.cpu_s_per_gb.dinhd_over_$b" dinhd.cpu_s_per_gb $b.cpu_s_per_gb
	done
	ratio ratio.kib_per_session.dinhd_over_nginx dinhd.kib_per_session nginx.kib_per_session
	kill -0 "$dinhd_pid" 2>/dev/null || die "dinhd died during the run: $(tail -5 "$tmp/dinhd.log")"
fi
echo "bench.wall_s: $((SECONDS - start)) s"
