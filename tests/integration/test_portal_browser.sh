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
# their diacritics.  The screenshot is kept as
# tests/integration/portal-browser.png in the build tree.
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

# A dossier filed and received at the desk.
desk_dossier

# The browser trusts the commune CA, as a citizen's phone would once the
# commune's root is installed: Chromium reads $HOME/.pki/nssdb on Linux.
export HOME="$T/home"
mkdir -p "$HOME/.pki/nssdb"
run 0 certutil -N -d "sql:$HOME/.pki/nssdb" --empty-password
run 0 certutil -A -d "sql:$HOME/.pki/nssdb" -n "dinh commune CA" -t "C,," -i "$D/ca/ca.pem"

mkdir -p "$T/web"
timeout 50 python3 "${top_srcdir:-.}/tests/integration/portal_browser.py" "$CHROMIUM" \
	"https://localhost:$PP" "$code" "$T/web" >"$T/facts" 2>"$T/out" || fail "browser: $(cat "$T/facts")"
fact() { sed -n "s|^$1: ||p" "$T/facts"; }
[ "$(fact probe_title)" = off ] || fail "JavaScript was not off"
[ "$(fact probe_layout_width)" -gt 390 ] || fail "no phone emulation: a page without viewport meta is $(fact probe_layout_width) wide"
[ "$(fact home_url)" = "https://localhost:$PP/" ] || fail "home at $(fact home_url)"
[ "$(fact lookup_url)" = "https://localhost:$PP/tra-cuu?ma=$code" ] ||
	fail "the form led to $(fact lookup_url)"
for w in home_layout_width home_content_width lookup_layout_width lookup_content_width; do
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
grep -q 'Hồ sơ đã được tiếp nhận và sẽ được giải quyết.' "$L" || fail "lookup: the state in words"
grep -q 'Trong hạn' "$L" || fail "lookup: on time"
grep -q 'Lý Thị Hoa' "$L" && fail "lookup: the official's name is shown"
head -c 8 "$T/web/lookup.png" | od -An -c | grep -q 'P   N   G' || fail "no PNG screenshot"
cp "$T/web/lookup.png" "${top_builddir:-.}/tests/integration/portal-browser.png" ||
	fail "keeping the screenshot"

kill -TERM "$pid"
wait "$pid" || fail "dinhd exit status"
pid=
echo PASS
