#!/bin/bash
# portal-bench.sh: lookups of one dossier on the citizens' portal (HTTPS,
# keep-alive) under wrk, next to nginx serving the same page as a static
# file over HTTPS on loopback with the same TLS settings, in the same run:
# requests per second, p99 latency (wrk --latency) and the server's CPU time
# per request, at a few connection counts.  Results go to docs/benchmarks.md
# by hand.
#
# The portal's per-address rate limit would answer 429 to almost all of this
# from one address: the script's dinhd.conf raises [portal]
# lookups-per-minute and lookup-burst to their maxima, and a run with any
# non-2xx answer or socket error is refused.
#
# usage: tests/bench/portal-bench.sh   (after make; needs wrk, nginx, curl:
#        apt-get install wrk nginx curl; not run by make check or CI)
# environment: BENCH_SECONDS [10] per run, BENCH_CONNS ["16 64"],
#              BENCH_WRK_THREADS [2], BENCH_PORTAL_THREADS [2] ([portal] threads),
#              BENCH_DOSSIERS [1]: with N > 1, N dossiers are filed and wrk
#              asks for each in turn (a wrk Lua script), so a portal thread
#              sees more dossiers than it keeps parsed (PORTAL_DOC_CACHE)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$(cd "$here/../.." && pwd)}
NGINX=${NGINX:-/usr/sbin/nginx}
SECONDS_RUN=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNS:-16 64}
WT=${BENCH_WRK_THREADS:-2}
PT=${BENCH_PORTAL_THREADS:-2}
for t in wrk curl "$NGINX"; do
	command -v "$t" >/dev/null || {
		echo "portal-bench.sh: needs $t: apt-get install wrk nginx curl" >&2
		exit 1
	}
done
NAME=portal-bench
. "$top_srcdir/tests/integration/lib.sh"
log() { echo "# $*" >&2; }
ngx_pid=
bench_cleanup() { [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null; }
it_extra_cleanup=bench_cleanup
unset LANGUAGE

# --- the portal, one received dossier --------------------------------------------
cat >"$D/dinhd.conf" <<CONF
[portal]
threads=$PT
lookups-per-minute=1000000000
lookup-burst=1000000
CONF
portal_start
desk_dossier
path=/tra-cuu/$code
NDOS=${BENCH_DOSSIERS:-1}
wrk_script=
if [ "$NDOS" -gt 1 ]; then
	printf 'paths = { "%s"' "$path" >"$T/paths.lua"
	for i in $(seq 2 "$NDOS"); do
		desk doc create dossier --field ProcedureId=khai-sinh --field "Applicant=Người thứ $i" \
			>"$T/created" 2>&1 || fail "create $i"
		c=$(sed -n 's/^Dossier code: //p' "$T/created")
		[ -n "$c" ] || fail "no code for dossier $i"
		printf ', "/tra-cuu/%s"' "$c" >>"$T/paths.lua"
	done
	cat >>"$T/paths.lua" <<-'EOF'
		 }
		i = 0
		request = function()
		    i = i % #paths + 1
		    return wrk.format(nil, paths[i])
		end
	EOF
	wrk_script=$T/paths.lua
fi
curl -s --cacert "$D/ca/ca.pem" --resolve "localhost:$PP:127.0.0.1" -D "$T/head" \
	-o "$T/page.html" "https://localhost:$PP$path" || fail "curl of the portal"
grep -q '^HTTP/1.1 200' "$T/head" || fail "the lookup is not 200: $(head -n 1 "$T/head")"
size=$(wc -c <"$T/page.html")
log "portal pid $pid on 127.0.0.1:$PP, $path: $size bytes"

# --- nginx: the same bytes and headers as a static file, the same certificate ---
mkdir -p "$T/ngx/logs" "$T/ngx/tmp" "$T/www"
cp "$T/page.html" "$T/www/page.html"
# The portal's own headers but Date, Content-Length and Content-Type (nginx sets those).
hdrs=$(sed -n 's/\r$//; /^\(Content-Security-Policy\|X-Content-Type-Options\|Referrer-Policy\|X-Frame-Options\|Strict-Transport-Security\|Cache-Control\): /{s/^\([^:]*\): \(.*\)$/add_header \1 "\2" always;/; p}' "$T/head")
[ "$(printf '%s\n' "$hdrs" | wc -l)" = 6 ] || fail "portal headers: $hdrs"
user=
[ "$(id -u)" = 0 ] && user="user root root;"
start_nginx() { # start_nginx WORKERS: sets ngx_pid, ngx_port
	local _
	for _ in 1 2 3 4 5; do
		ngx_port=$((20000 + RANDOM % 20000))
		cat >"$T/ngx/nginx.conf" <<-EOF
			$user
			daemon off;
			worker_processes $1;
			pid $T/ngx/nginx.pid;
			error_log $T/ngx/logs/error.log warn;
			events { worker_connections 4096; }
			http {
			    access_log off;
			    client_body_temp_path $T/ngx/tmp;
			    proxy_temp_path $T/ngx/tmp;
			    fastcgi_temp_path $T/ngx/tmp;
			    uwsgi_temp_path $T/ngx/tmp;
			    scgi_temp_path $T/ngx/tmp;
			    keepalive_requests 1000000;
			    server_tokens off;
			    server {
			        listen 127.0.0.1:$ngx_port ssl;
			        ssl_certificate $D/server/server.pem;
			        ssl_certificate_key $D/server/server.key;
			        ssl_protocols TLSv1.3;
			        location = /page {
			            alias $T/www/page.html;
			            default_type "text/html; charset=utf-8";
			            $hdrs
			        }
			    }
			}
		EOF
		rm -f "$T/ngx/nginx.pid"
		"$NGINX" -p "$T/ngx" -c "$T/ngx/nginx.conf" 2>>"$T/ngx/logs/stderr" &
		ngx_pid=$!
		for _ in $(seq 30); do
			[ -s "$T/ngx/nginx.pid" ] && return 0
			kill -0 "$ngx_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$ngx_pid" 2>/dev/null
		wait "$ngx_pid" 2>/dev/null
		ngx_pid=
	done
	fail "nginx did not start: $(tail -n 3 "$T/ngx/logs/stderr" "$T/ngx/logs/error.log")"
}
stop_nginx() {
	kill "$ngx_pid" && wait "$ngx_pid" 2>/dev/null
	ngx_pid=
}

# --- measuring -------------------------------------------------------------------
cpu_ticks() { # utime + stime of PID and its direct children (nginx's workers)
	local p t=0 s
	for p in $1 $(pgrep -P "$1"); do
		s=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $s
		t=$((t + ${12} + ${13}))
	done
	echo $t
}
to_ms() { # wrk's "12.34ms" / "567.00us" / "1.02s" in milliseconds
	case $1 in
	*us) echo "${1%us}" | awk '{ printf "%.3f", $1 / 1000 }' ;;
	*ms) echo "${1%ms}" | awk '{ printf "%.3f", $1 }' ;;
	*s) echo "${1%s}" | awk '{ printf "%.3f", $1 * 1000 }' ;;
	esac
}
# measure NAME PID URL CONNS [SCRIPT]: one wrk run (with the Lua SCRIPT if
# given); prints NAME.cCONNS.* lines
measure() {
	local name=$1 spid=$2 url=$3 c=$4 before after reqs rps p99 hz
	hz=$(getconf CLK_TCK)
	wrk -t1 -c"$c" -d2s ${5:+-s "$5"} "$url" >/dev/null 2>&1 # warm up: handshakes, caches
	before=$(cpu_ticks "$spid")
	wrk -t"$WT" -c"$c" -d"${SECONDS_RUN}s" --latency ${5:+-s "$5"} "$url" >"$T/wrk.out" 2>&1 ||
		fail "wrk against $name: $(cat "$T/wrk.out")"
	after=$(cpu_ticks "$spid")
	sed 's/^/# /' "$T/wrk.out" >&2
	grep -q 'Non-2xx\|Socket errors' "$T/wrk.out" && fail "$name: errors under load (see above)"
	reqs=$(sed -n 's/^ *\([0-9]*\) requests in .*/\1/p' "$T/wrk.out")
	rps=$(sed -n 's/^Requests\/sec: *//p' "$T/wrk.out")
	p99=$(to_ms "$(sed -n 's/^ *99% *//p' "$T/wrk.out")")
	[ -n "$reqs" ] && [ "$reqs" -gt 0 ] && [ -n "$rps" ] && [ -n "$p99" ] || fail "$name: no figures"
	echo "$name.c$c.requests_per_s: $rps"
	echo "$name.c$c.p99_ms: $p99"
	awk -v t=$((after - before)) -v n="$reqs" -v hz="$hz" \
		'BEGIN { printf "'"$name.c$c"'.cpu_us_per_request: %.1f\n", t / hz * 1e6 / n }'
}

echo "machine: $(nproc) cores (shared with other builds), $(uname -r)," \
	"$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), $("$NGINX" -v 2>&1 | sed 's/.*: //')"
echo "page: $size bytes; portal threads $PT; wrk threads $WT; $SECONDS_RUN s per run;" \
	"dossiers asked in turn: $NDOS"
out=$T/figures
for c in $CONNS; do
	measure portal "$pid" "https://127.0.0.1:$PP$path" "$c" "$wrk_script" | tee -a "$out"
	for w in 1 2; do
		start_nginx $w
		measure "nginx_w$w" "$ngx_pid" "https://127.0.0.1:$ngx_port/page" "$c" | tee -a "$out"
		stop_nginx
	done
done
# Ratios: portal / nginx with as many workers as the portal has threads (and one).
fig() { sed -n "s/^$1: //p" "$out"; }
for c in $CONNS; do
	for w in 1 2; do
		awk -v a="$(fig "portal.c$c.requests_per_s")" -v b="$(fig "nginx_w$w.c$c.requests_per_s")" \
			-v p="$(fig "portal.c$c.p99_ms")" -v q="$(fig "nginx_w$w.c$c.p99_ms")" \
			-v u="$(fig "portal.c$c.cpu_us_per_request")" \
			-v v="$(fig "nginx_w$w.c$c.cpu_us_per_request")" \
			'BEGIN { printf "ratio.c'"$c"'.nginx_w'"$w"': requests_per_s %.2f, p99 %.2f, cpu_per_request %.2f\n", a / b, p / q, u / v }'
	done
done
kill -0 "$pid" || fail "dinhd died"
