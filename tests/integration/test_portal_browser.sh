#!/bin/sh
# test_portal_browser.sh: the portal in a real browser, as a citizen on a
# phone uses it.  A dossier is filed at the desk through the workflow (the
# CLI's doc create and receive, as in test_portal.sh); headless Chromium
# (Debian's chromium), trusting the commune CA through an NSS database of
# its own (no --ignore-certificate-errors), opens the home page in a
# 390x844 mobile viewport with JavaScript off, types the code into the
# lookup form and taps the button (portal_browser.py, over the DevTools
# protocol).  Checked: scripts really were off and a page without a viewport
# meta lays out wider than the phone (the probe), the form's GET reached
# /tra-cuu?ma=CODE, both pages lay out at the phone's width (the viewport
# meta is honoured, nothing wider than the screen), and the rendered DOM
# shows the procedure, the state in words and the labels in Vietnamese with
# their diacritics.  The dossier is then resolved (an officer's signed PDF,
# lib.sh's officer_result) and returned, and the browser goes on as the
# citizen with the secret: types it (a POST, not in the address), taps the
# signed result's button and Chromium saves the download, which must be the
# signed PDF byte for byte, then taps a score and sends the rating, which
# the page thanks for and ratings.db keeps.  The screenshots are kept as
# tests/integration/portal-browser.png (the status page) and
# portal-rated.png (after the rating) in the build tree.
# Skips (77) only when chromium is missing; python3 and certutil (in
# scripts/deps.sh with chromium) missing next to it is a failure.
set -u
NAME=portal-browser
. "${top_srcdir:-.}/tests/integration/lib.sh"
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || { echo "SKIP: chromium missing (apt-get install chromium)"; exit 77; }
command -v python3 >/dev/null || fail "python3 missing (scripts/deps.sh installs it)"
command -v certutil >/dev/null || fail "certutil missing (libnss3-tools, scripts/deps.sh)"
unset LANGUAGE
portal_start

# A dossier filed and received at the desk, resolved and returned.
desk_dossier
officer_result
desk doc act "$doc" return --field "Receiver=Hoàng Văn Em" >"$T/out" 2>&1 || fail "return"

# The browser trusts the commune CA, as a citizen's phone would once the
# commune's root is installed: Chromium reads $HOME/.pki/nssdb on Linux.
export HOME="$T/home"
mkdir -p "$HOME/.pki/nssdb"
run 0 certutil -N -d "sql:$HOME/.pki/nssdb" --empty-password
run 0 certutil -A -d "sql:$HOME/.pki/nssdb" -n "dinh commune CA" -t "C,," -i "$D/ca/ca.pem"

mkdir -p "$T/web"
timeout 50 python3 "${top_srcdir:-.}/tests/integration/portal_browser.py" "$CHROMIUM" \
	"https://localhost:$PP" "$code" "$T/web" "$secret" >"$T/facts" 2>"$T/out" ||
	fail "browser: $(cat "$T/facts")"
fact() { sed -n "s|^$1: ||p" "$T/facts"; }
[ "$(fact probe_title)" = off ] || fail "JavaScript was not off"
[ "$(fact probe_layout_width)" -gt 390 ] || fail "no phone emulation: a page without viewport meta is $(fact probe_layout_width) wide"
[ "$(fact home_url)" = "https://localhost:$PP/" ] || fail "home at $(fact home_url)"
[ "$(fact lookup_url)" = "https://localhost:$PP/tra-cuu?ma=$code" ] ||
	fail "the form led to $(fact lookup_url)"
[ "$(fact secret_url)" = "https://localhost:$PP/tra-cuu/$code" ] ||
	fail "the secret's form led to $(fact secret_url)"
[ "$(fact rated_url)" = "https://localhost:$PP/tra-cuu/$code/danh-gia" ] ||
	fail "the rating form led to $(fact rated_url)"
for w in home_layout_width home_content_width lookup_layout_width lookup_content_width \
	secret_layout_width secret_content_width rated_layout_width rated_content_width; do
	v=$(fact $w)
	[ -n "$v" ] && [ "$v" -le 390 ] || fail "$w is ${v:-missing}, wider than the phone's 390"
done

# The home page: Vietnamese, a viewport meta, a labelled field.
H=$T/web/home.html
grep -q '<html lang="vi"' "$H" || fail "home: lang"
grep -q '<meta name="viewport" content="width=device-width' "$H" || fail "home: viewport meta"
grep -q '<label for="ma">Mã hồ sơ</label>' "$H" || fail "home: label of the code"
grep -q 'Tra cứu hồ sơ' "$H" || fail "home: title"

# The result page, as rendered: the code, the procedure, the state in words.
L=$T/web/lookup.html
grep -q '<h1>Tình trạng hồ sơ</h1>' "$L" || fail "lookup: heading"
grep -q "$code" "$L" || fail "lookup: the code"
grep -q '<dt>Thủ tục</dt><dd>Đăng ký khai sinh</dd>' "$L" || fail "lookup: the procedure"
grep -q 'Kết quả đã được trả cho bạn.' "$L" || fail "lookup: the state in words"
grep -q 'Giải quyết đúng hạn' "$L" || fail "lookup: resolved on time"
grep -q '<dt>Ngày giải quyết</dt>' "$L" || fail "lookup: the day resolved"
grep -q 'Lý Thị Hoa' "$L" && fail "lookup: the official's name is shown"
head -c 8 "$T/web/lookup.png" | od -An -c | grep -q 'P   N   G' || fail "no PNG screenshot"
cp "$T/web/lookup.png" "${top_builddir:-.}/tests/integration/portal-browser.png" ||
	fail "keeping the screenshot"

# With the secret: its forms, the download, the rating.
S=$T/web/secret.html
grep -q "$secret" "$L" && fail "lookup: the secret before it was typed"
grep -q 'Tải kết quả đã ký số (PDF)' "$S" || fail "secret: no button of the signed result"
[ "$(fact download_name)" = "ket-qua-$code.pdf" ] || fail "downloaded as $(fact download_name)"
[ "$(fact download_sha256)" = "$result_sha" ] ||
	fail "the download's SHA-256 $(fact download_sha256) is not the signed result's"
cmp -s "$T/web/downloads/ket-qua-$code.pdf" "$T/result.pdf" || fail "the download differs"
R=$T/web/rated.html
grep -q 'Cảm ơn bạn đã đánh giá.' "$R" || fail "rated: no thanks"
grep -q 'bạn đã đánh giá dịch vụ 4 trên 5' "$R" || fail "rated: the score 4 is not shown"
grep -q 'name="score"' "$R" && fail "rated: the rating form is still there"
if command -v sqlite3 >/dev/null; then
	[ "$(sqlite3 "$D/ratings.db" "SELECT score FROM rating WHERE code = '$code'")" = 4 ] ||
		fail "ratings.db does not hold the browser's 4"
fi
grep -q "$code rated 4" "$T/dinhd.log" || fail "the rating is not logged"
head -c 8 "$T/web/rated.png" | od -An -c | grep -q 'P   N   G' || fail "no PNG of the rating"
cp "$T/web/rated.png" "${top_builddir:-.}/tests/integration/portal-rated.png" ||
	fail "keeping the rating's screenshot"

kill -TERM "$pid"
wait "$pid" || fail "dinhd exit status"
pid=
echo PASS
