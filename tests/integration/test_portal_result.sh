#!/bin/sh
# test_portal_result.sh: a dossier's whole life seen from the citizens'
# portal of a real dinhd over HTTPS (curl).  Filed and received at the desk,
# resolved by an officer with a PDF signed by his own official certificate,
# then returned.  Checked: the signed result downloaded with the secret is
# byte for byte the signed PDF (application/pdf, an attachment named after
# the code), refused without the secret, with a wrong one and for an unknown
# code with the same "not found" page; no result before the finish step; a
# rating refused before the return, taken once after it, refused the second
# time (the first score stays, in ratings.db too), and of four ratings of
# another dossier sent at once one is taken; the verification page
# says the signed result is valid, by the officer, and a tampered copy is
# not; the month's statistics equal `dinh doc stats` of the same days, number
# by number, before and after the dossier is resolved.
set -u
NAME=portal-result
. "${top_srcdir:-.}/tests/integration/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
command -v sha256sum >/dev/null || fail "sha256sum missing"
unset LANGUAGE
cat >"$D/dinhd.conf" <<CONF
[portal]
lookups-per-minute=6000
lookup-burst=200
CONF
portal_start
header() { sed -n "s/^$1: *//Ip" "$T/head" | tr -d '\r'; }
sha() { sha256sum <"$1" | cut -c1-64; }

# The month's figures on the portal equal doc stats of the same first and
# last day (the portal's month), row by row: received, online, resolved,
# on time, late, and the shares.
stats_match() { # LABEL: sets stats_got to the portal's "received resolved"
	month=$(date +%Y-%m)
	first=$month-01
	last=$(date -d "$first +1 month -1 day" +%Y-%m-%d)
	[ "$(get "/thong-ke?thang=$month")" = 200 ] || fail "$1: statistics page"
	desk doc stats "$first" "$last" >"$T/stats" 2>&1 || fail "$1: doc stats"
	cell() { sed -n "s|.*<th scope=\"row\">$1</th><td class=\"n\">\([0-9]*\)</td>.*|\1|p" "$T/body"; }
	share() { sed -n "s|.*<th scope=\"row\">$1</th><td class=\"n\">[0-9]*</td><td class=\"n\">\([0-9,]*\)%</td>.*|\1|p" "$T/body" | tr , .; }
	s_rec=$(sed -n 's/^Dossiers received: \([0-9]*\),.*/\1/p' "$T/stats")
	s_onl=$(sed -n 's/.*filed online: \([0-9]*\).*/\1/p' "$T/stats")
	s_onl_pc=$(sed -n 's/.*filed online: [0-9]* (\([0-9.]*\)%).*/\1/p' "$T/stats")
	s_res=$(sed -n 's/^Dossiers resolved: \([0-9]*\),.*/\1/p' "$T/stats")
	s_ok=$(sed -n 's/^Dossiers resolved: .*on time: \([0-9]*\).*/\1/p' "$T/stats")
	s_ok_pc=$(sed -n 's/^Dossiers resolved: .*on time: [0-9]* (\([0-9.]*\)%).*/\1/p' "$T/stats")
	s_late=$(sed -n 's/.*, late: \([0-9]*\)$/\1/p' "$T/stats")
	for v in "$s_rec" "$s_onl" "$s_onl_pc" "$s_res" "$s_ok" "$s_ok_pc" "$s_late"; do
		[ -n "$v" ] || fail "$1: doc stats not understood: $(cat "$T/stats")"
	done
	[ "$(cell 'Đã tiếp nhận')" = "$s_rec" ] || fail "$1: received $(cell 'Đã tiếp nhận') vs $s_rec"
	[ "$(cell 'Nộp trực tuyến')" = "$s_onl" ] || fail "$1: online $(cell 'Nộp trực tuyến') vs $s_onl"
	[ "$(cell 'Đã giải quyết')" = "$s_res" ] || fail "$1: resolved $(cell 'Đã giải quyết') vs $s_res"
	[ "$(cell 'Giải quyết đúng hạn')" = "$s_ok" ] ||
		fail "$1: on time $(cell 'Giải quyết đúng hạn') vs $s_ok"
	[ "$(cell 'Giải quyết quá hạn')" = "$s_late" ] ||
		fail "$1: late $(cell 'Giải quyết quá hạn') vs $s_late"
	if [ "$s_rec" -gt 0 ]; then
		[ "$(share 'Nộp trực tuyến')" = "$s_onl_pc" ] ||
			fail "$1: online share $(share 'Nộp trực tuyến') vs $s_onl_pc"
	fi
	if [ $((s_ok + s_late)) -gt 0 ]; then
		[ "$(share 'Giải quyết đúng hạn')" = "$s_ok_pc" ] ||
			fail "$1: on-time share $(share 'Giải quyết đúng hạn') vs $s_ok_pc"
	fi
	stats_got="$s_rec $s_res"
}

desk_dossier
# Two more filed at the counter, so that the online share is a third (33,3%).
for who in "Lê Văn Phúc" "Đỗ Thị Giang"; do
	desk doc create dossier --field ProcedureId=khai-sinh --field "Applicant=$who" \
		--field Channel=counter >"$T/out" 2>&1 || fail "create at the counter"
done
stats_match "received"
[ "$stats_got" = "3 0" ] || fail "after the receipt: received and resolved are $stats_got, not 3 0"
[ "$s_onl_pc" = 33.3 ] || fail "online share $s_onl_pc, not 33.3"

# The not-found page of an unknown code: every refusal below must be it.
[ "$(get /tra-cuu/000.00.00.H01-991231-9999)" = 404 ] || fail "unknown code"
cp "$T/body" "$T/notfound"
refused() { # WHAT STATUS: the status is 404 and the page that of an unknown code
	[ "$2" = 404 ] || fail "$1 gave $2, not 404"
	cmp -s "$T/body" "$T/notfound" || fail "$1: not the page of an unknown code"
}

# No result before the finish step, even with the secret.
refused "result before finish" "$(get "/tra-cuu/$code/ket-qua" --data-urlencode "secret=$secret")"

officer_result
[ "$(get "/tra-cuu/$code" --data-urlencode "secret=$secret")" = 200 ] || fail "page with the secret"
grep -q "action=\"/tra-cuu/$code/ket-qua\"" "$T/body" || fail "no result form once finished"
grep -q 'Đã có kết quả' "$T/body" || fail "the state is not \"result ready\""
grep -q 'danh-gia' "$T/body" && fail "a rating form before the return"

# The signed result with the secret: the very bytes the officer signed.
[ "$(get "/tra-cuu/$code/ket-qua" --data-urlencode "secret=$secret")" = 200 ] ||
	fail "result with the secret"
[ "$(sha "$T/body")" = "$result_sha" ] || fail "the result served is not the signed PDF"
cmp -s "$T/body" "$T/result.pdf" || fail "the result differs from the signed PDF"
[ "$(header Content-Type)" = application/pdf ] || fail "result Content-Type: $(header Content-Type)"
[ "$(header Content-Disposition)" = "attachment; filename=\"ket-qua-$code.pdf\"" ] ||
	fail "result Content-Disposition: $(header Content-Disposition)"
# The secret as the receipt prints it (groups, capitals) is the same secret.
spaced=$(printf '%s' "$secret" | tr 'a-z' 'A-Z' | sed 's/\(....\)/\1 /g')
[ "$(get "/tra-cuu/$code/ket-qua" --data-urlencode "secret=$spaced")" = 200 ] ||
	fail "result with the secret in capitals and groups"
refused "result without the secret (GET)" "$(get "/tra-cuu/$code/ket-qua")"
refused "result without the secret (POST)" "$(get "/tra-cuu/$code/ket-qua" -d secret=)"
refused "result with a wrong secret" "$(get "/tra-cuu/$code/ket-qua" --data-urlencode "secret=${secret}0")"
refused "result of an unknown code" \
	"$(get "/tra-cuu/000.00.00.H01-991231-9999/ket-qua" --data-urlencode "secret=$secret")"

# Ratings: none before the return.
refused "rating before return" \
	"$(get "/tra-cuu/$code/danh-gia" --data-urlencode "secret=$secret" -d score=5)"
desk doc act "$doc" return --field "Receiver=Hoàng Văn Em" >"$T/out" 2>&1 || fail "return"
[ "$(get "/tra-cuu/$code" --data-urlencode "secret=$secret")" = 200 ] || fail "page after return"
grep -q 'Kết quả đã được trả cho bạn.' "$T/body" || fail "the state is not \"returned\""
grep -q "action=\"/tra-cuu/$code/danh-gia\"" "$T/body" || fail "no rating form after return"
[ "$(get "/tra-cuu/$code/ket-qua" --data-urlencode "secret=$secret")" = 200 ] ||
	fail "result after return"
cmp -s "$T/body" "$T/result.pdf" || fail "the result after return differs"
refused "rating with a wrong secret" \
	"$(get "/tra-cuu/$code/danh-gia" --data-urlencode "secret=${secret}0" -d score=5)"
refused "rating without the secret" "$(get "/tra-cuu/$code/danh-gia" -d score=5)"
for bad in 0 6 55 x ''; do
	refused "rating of \"$bad\"" \
		"$(get "/tra-cuu/$code/danh-gia" --data-urlencode "secret=$secret" -d "score=$bad")"
done
# Once, then refused: the first score is the one kept.
[ "$(get "/tra-cuu/$code/danh-gia" --data-urlencode "secret=$secret" -d score=4)" = 200 ] ||
	fail "rating after return"
grep -q 'Cảm ơn bạn đã đánh giá.' "$T/body" || fail "no thanks for the rating"
grep -q 'bạn đã đánh giá dịch vụ 4 trên 5' "$T/body" || fail "the page does not show the score 4"
grep -q 'name="score"' "$T/body" && fail "a rating form after rating"
s=$(get "/tra-cuu/$code/danh-gia" --data-urlencode "secret=$secret" -d score=1)
[ "$s" = 409 ] || fail "a second rating gave $s, not 409"
grep -q 'Hồ sơ này đã được đánh giá' "$T/body" || fail "the second rating is not told refused"
grep -q 'bạn đã đánh giá dịch vụ 4 trên 5' "$T/body" || fail "the second rating changed the score"
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$D/ratings.db" "SELECT code || ' ' || score FROM rating")" = "$code 4" ] ||
		fail "ratings.db: $(sqlite3 "$D/ratings.db" 'SELECT * FROM rating')"
fi
grep -q "$code rated 4" "$T/dinhd.log" || fail "the rating is not logged"

# Two ratings of another returned dossier at once, on two connections (the
# portal has two threads): one is taken, the other answers 409.
desk doc create dossier --field ProcedureId=khai-sinh --field "Applicant=Lê Văn Phúc" \
	--field Channel=online >"$T/created2" 2>&1 || fail "create the second"
code2=$(sed -n 's/^Dossier code: //p' "$T/created2")
secret2=$(sed -n 's/^Secret for the citizen (shown once): //p' "$T/created2")
doc2=$(sed -n 's/.*\(20[0-9][0-9]-hs-[0-9]*\).*/\1/p' "$T/created2" | head -n 1)
[ -n "$code2" ] && [ -n "$secret2" ] && [ -n "$doc2" ] || fail "second: $(cat "$T/created2")"
for a in receive start; do
	desk doc act "$doc2" $a >"$T/out" 2>&1 || fail "second: $a"
done
officer doc act "$doc2" finish --signed-pdf "$result_sha" >"$T/out" 2>&1 || fail "second: finish"
desk doc act "$doc2" return --field "Receiver=Lê Văn Phúc" >"$T/out" 2>&1 || fail "second: return"
racers=
for n in 1 2 3 4; do
	curl -s --cacert "$D/ca/ca.pem" --resolve "localhost:$PP:127.0.0.1" -o /dev/null \
		-w '%{http_code}\n' --data-urlencode "secret=$secret2" -d "score=$n" \
		"$URL/tra-cuu/$code2/danh-gia" >"$T/race.$n" &
	racers="$racers $!"
done
for r in $racers; do wait "$r"; done
[ "$(cat "$T"/race.* | sort | tr '\n' ' ')" = "200 409 409 409 " ] ||
	fail "four ratings at once gave $(cat "$T"/race.* | tr '\n' ' ')"
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$D/ratings.db" "SELECT count(*) FROM rating WHERE code = '$code2'")" = 1 ] ||
		fail "ratings.db holds more than one rating of $code2"
fi

# The verification page: the result as issued is valid, signed by the officer.
s=$(get /kiem-tra -F "pdf=@$T/result.pdf;type=application/pdf")
[ "$s" = 200 ] || fail "verification of the result gave $s"
grep -q 'Mọi chữ ký đều hợp lệ và do xã ký.' "$T/body" || fail "the result is not said valid"
grep -q '<dd class="ok">Hợp lệ</dd>' "$T/body" || fail "the signature is not said valid"
grep -q '<dd>Phạm Văn Cường</dd>' "$T/body" || fail "the signer is not the officer"
grep -q 'Do xã cấp' "$T/body" || fail "the certificate is not said the commune's"
grep -q 'Không hợp lệ' "$T/body" && fail "the valid result shows \"not valid\""
# A tampered copy: one byte of the signed content changed, same length.
python3 -c "import sys
d=bytearray(open(sys.argv[1],'rb').read()); i=d.index(b'/MediaBox'); d[i+1]^=0x20
open(sys.argv[2],'wb').write(d)" "$T/result.pdf" "$T/tampered.pdf" || fail "tampering"
s=$(get /kiem-tra -F "pdf=@$T/tampered.pdf;type=application/pdf")
[ "$s" = 200 ] || fail "verification of the tampered copy gave $s"
grep -q 'Không phải mọi chữ ký đều hợp lệ.' "$T/body" || fail "the tampered copy is not said invalid"
grep -q '<dd class="late">Không hợp lệ</dd>' "$T/body" || fail "the tampered signature is valid"
grep -q 'Bị hỏng hoặc giả mạo' "$T/body" || fail "the tampered content is not said damaged"
grep -q 'Mọi chữ ký đều hợp lệ' "$T/body" && fail "the tampered copy is said valid"
# The unsigned PDF: no signature.
s=$(get /kiem-tra -F "pdf=@$T/result-unsigned.pdf;type=application/pdf")
[ "$s" = 200 ] && grep -q 'Tệp này không có chữ ký' "$T/body" || fail "the unsigned PDF ($s)"

# The statistics now count the dossier as resolved, still equal to doc stats.
stats_match "returned"
[ "$stats_got" = "4 2" ] || fail "after the returns: received and resolved are $stats_got, not 4 2"
[ "$s_onl_pc" = 50.0 ] || fail "online share $s_onl_pc, not 50.0"

kill -0 "$pid" || fail "dinhd died"
kill -TERM "$pid"
wait "$pid" || fail "dinhd exit status"
pid=
echo PASS
