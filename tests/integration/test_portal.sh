#!/bin/sh
# test_portal.sh: the citizens' portal of a real dinhd over HTTPS (curl):
# the home page in Vietnamese with its security headers, a dossier filed at
# the desk through the CLI looked up by its code (typed and by the receipt's
# QR path), the receipt downloaded with the secret, no rating before return,
# the statistics equal to `dinh doc stats`, and the refusals: unknown codes,
# wrong secrets and path tricks all give the same "not found", other
# methods 405, oversized uploads 413, and the per-address rate limit 429.
set -u
NAME=portal
. "${top_srcdir:-.}/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
# The portal speaks Vietnamese whatever the daemon's own language (lib.sh sets English).
unset LANGUAGE
cat >"$D/dinhd.conf" <<CONF
[portal]
lookups-per-minute=600
lookup-burst=12
upload-max=64
CONF
portal_start

# The home page, TLS 1.3, Vietnamese, headers.
[ "$(get / --tlsv1.3)" = 200 ] || fail "home page"
grep -q 'lang="vi"' "$T/body" || fail "lang"
grep -q 'name="viewport"' "$T/body" || fail "viewport"
grep -q 'Tra cứu hồ sơ' "$T/body" || fail "Vietnamese title"
grep -q '<label for=' "$T/body" || fail "labelled form"
for h in Content-Security-Policy X-Content-Type-Options Referrer-Policy Strict-Transport-Security; do
	grep -qi "^$h:" "$T/head" || fail "header $h"
done
[ "$(get /thu-tuc)" = 200 ] && grep -q 'Thủ tục hành chính' "$T/body" || fail "catalogue"
grep -q 'ngày làm việc' "$T/body" || fail "processing time in the catalogue"

# A dossier at the desk.
desk_dossier

# Lookup, typed and by the QR path; no official's name on the page.
[ "$(get "/tra-cuu?ma=$code")" = 200 ] || fail "lookup by the form"
grep -q "$code" "$T/body" || fail "code on the page"
grep -q 'Đăng ký khai sinh\|khai sinh' "$T/body" || fail "procedure on the page"
grep -q 'Lý Thị Hoa' "$T/body" && fail "the official's name is shown"
[ "$(get "/tra-cuu/$code")" = 200 ] || fail "lookup by the QR path"

# The receipt with the secret; without it, or with a wrong one, not found.
[ "$(get "/tra-cuu/$code/bien-nhan" --data-urlencode "secret=$secret")" = 200 ] ||
	fail "receipt with the secret"
head -c 5 "$T/body" | grep -q '%PDF-' || fail "receipt is a PDF"
[ "$(get "/tra-cuu/$code/bien-nhan" --data-urlencode "secret=x$secret")" = 404 ] ||
	fail "wrong secret"
cp "$T/body" "$T/notfound-secret"
[ "$(get "/tra-cuu/$code/bien-nhan")" = 404 ] || fail "receipt without the secret"
[ "$(get /tra-cuu/000.00.00.H01-991231-9999)" = 404 ] || fail "unknown code"
cmp -s "$T/body" "$T/notfound-secret" || fail "unknown code and wrong secret differ"

# A rating before the result is returned is refused like anything unknown
# (the result, the rating after return and the verification of a signed
# result: test_portal_result.sh).
[ "$(get "/tra-cuu/$code/danh-gia" --data-urlencode "secret=$secret" -d score=5)" = 404 ] ||
	fail "rating before return"

# Statistics next to the CLI's.
month=$(date +%Y-%m)
[ "$(get "/thong-ke?thang=$month")" = 200 ] || fail "statistics"
desk doc stats "$(date +%Y-%m-01)" "$(date -d tomorrow +%Y-%m-%d)" >"$T/stats" 2>&1 || fail "doc stats"
cell() { sed -n "s|.*<th scope=\"row\">$1</th><td class=\"n\">\([0-9]*\)</td>.*|\1|p" "$T/body"; }
want_rec=$(sed -n 's/^Dossiers received: \([0-9]*\),.*/\1/p' "$T/stats")
want_onl=$(sed -n 's/.*filed online: \([0-9]*\).*/\1/p' "$T/stats")
[ -n "$want_rec" ] && [ "$want_rec" -ge 1 ] || fail "doc stats: $(cat "$T/stats")"
[ "$(cell 'Đã tiếp nhận')" = "$want_rec" ] || fail "received: portal $(cell 'Đã tiếp nhận'), doc stats $want_rec"
[ "$(cell 'Nộp trực tuyến')" = "$want_onl" ] || fail "online: portal $(cell 'Nộp trực tuyến'), doc stats $want_onl"

# Refusals.
for p in /../etc/passwd /%2e%2e/etc/passwd /tra-cuu/..%2fx /tra-cuu/%00 /khong-co; do
	s=$(get "$p" --path-as-is)
	[ "$s" = 404 ] || fail "$p gave $s"
done
[ "$(get / -X DELETE)" = 405 ] || fail "DELETE"
head -c 200000 /dev/zero >"$T/big.pdf"
s=$(get /kiem-tra -F "pdf=@$T/big.pdf;type=application/pdf")
[ "$s" = 413 ] || fail "oversized upload gave $s"
printf 'not a pdf' >"$T/small.pdf"
s=$(get /kiem-tra -F "pdf=@$T/small.pdf;type=application/pdf")
[ "$s" = 422 ] || fail "a non-PDF gave $s, not 422"
grep -q 'không phải tệp PDF' "$T/body" || fail "a non-PDF is named as such"

# The rate limit: a burst of 12, then 429 with the generic page.
n=0
limited=0
while [ $n -lt 40 ]; do
	s=$(get "/tra-cuu/$code")
	[ "$s" = 429 ] && { limited=1; break; }
	n=$((n + 1))
done
[ $limited = 1 ] || fail "no 429 after $n lookups"
grep -q 'thử lại sau' "$T/body" || fail "429 page"
kill -0 "$pid" || fail "dinhd died"
kill -TERM "$pid"
wait "$pid" || fail "dinhd exit status"
pid=
echo PASS
