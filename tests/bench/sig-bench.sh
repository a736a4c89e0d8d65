#!/bin/bash
# sig-bench.sh: signing and verifying PDFs, whole process, next to the
# floor (sha256sum of the same file) and the peer (poppler's pdfsig
# -add-signature / pdfsig, the same RSA-2048 key and CA in an NSS database),
# on a one-page PDF and a 20 MB PDF, in the same run; then signatures per
# second on the one-page file next to the key's raw rate (openssl speed).
# Results go to docs/benchmarks.md by hand.
#
# usage: tests/bench/sig-bench.sh   (after make; needs poppler-utils, qpdf,
#        libnss3-tools, openssl)
# environment: BENCH_ROUNDS [10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$(cd "$here/../.." && pwd)}
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
dinh=$top_builddir/clients/dinh
export DINH_PDF_HELPER=${DINH_PDF_HELPER:-$top_builddir/pdf/dinh-pdf-helper}
ROUNDS=${BENCH_ROUNDS:-10}
for t in pdfsig qpdf certutil pk12util openssl bc; do
	command -v $t >/dev/null || { echo "sig-bench.sh: needs $t" >&2; exit 1; }
done
dir=$(mktemp -d /tmp/dinh-sigbench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# A CA and a signer (RSA 2048, the key type of the commune's certificates).
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 \
	-subj "/CN=Bench CA" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout me.key -out me.csr -subj "/CN=Bench Signer" 2>/dev/null
printf 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n' >ext
openssl x509 -req -in me.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out me.pem -days 30 \
	-extfile ext 2>/dev/null
openssl pkcs12 -export -inkey me.key -in me.pem -certfile ca.pem -name me -passout pass:bench \
	-out me.p12
echo bench >pass
mkdir nss
certutil -N -d sql:nss --empty-password
certutil -A -d sql:nss -n ca -t CT,C,C -i ca.pem
pk12util -i me.p12 -d sql:nss -W bench >/dev/null

# The one-page file: a generated receipt.  The 20 MB file: one page showing
# a 2582 x 2582 RGB image of random pixels, uncompressed (xref by qpdf).
"$dinh" pdf gen receipt "$top_srcdir/tests/pdf/data/receipt.xml" small.pdf >/dev/null
n=$((2582 * 2582 * 3))
{
	printf '%%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n'
	printf '2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n'
	printf '3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]'
	printf '/Resources<</XObject<</Im1 5 0 R>>>>/Contents 4 0 R>>\nendobj\n'
	printf '4 0 obj\n<</Length 33>>\nstream\nq 500 0 0 500 40 200 cm /Im1 Do Q\nendstream\nendobj\n'
	printf '5 0 obj\n<</Type/XObject/Subtype/Image/Width 2582/Height 2582'
	printf '/ColorSpace/DeviceRGB/BitsPerComponent 8/Length %d>>\nstream\n' $n
	head -c $n /dev/urandom
	printf '\nendstream\nendobj\ntrailer\n<</Root 1 0 R/Size 6>>\n%%%%EOF\n'
} >raw.pdf
qpdf --compress-streams=n --object-streams=disable raw.pdf big.pdf 2>/dev/null || test -s big.pdf

echo "machine: $(nproc) cores (shared with other builds), $(uname -r), $(pdfsig -v 2>&1 | head -n 1)"

# ms per run of a command repeated ROUNDS times.
per() {
	local t0 t1
	t0=$(date +%s.%N)
	for _ in $(seq 1 "$ROUNDS"); do "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; done
	t1=$(date +%s.%N)
	echo "scale=1; ($t1 - $t0) * 1000 / $ROUNDS" | bc
}
dsign() { rm -f "$2"; DINH_PASSWORD=bench "$dinh" pdf sign --identity me.p12 "$1" "$2"; }
psign() { rm -f "$2"; pdfsig -nssdir sql:nss -add-signature -nick me "$1" "$2"; }

for f in small big; do
	size=$(stat -c %s $f.pdf)
	sha=$(per sha256sum $f.pdf)
	ds=$(per dsign $f.pdf $f-d.pdf)
	ps=$(per psign $f.pdf $f-p.pdf)
	dv=$(per "$dinh" pdf verify --trust ca.pem $f-d.pdf)
	pv=$(per pdfsig -nssdir sql:nss $f-p.pdf)
	pdfsig -nssdir sql:nss $f-d.pdf | grep -q 'Signature is Valid'
	echo "$f.pdf ($size bytes): sha256sum $sha ms; sign: dinh $ds ms, pdfsig $ps ms" \
		"(dinh/sha256sum $(echo "scale=2; $ds / $sha" | bc)x," \
		"pdfsig/dinh $(echo "scale=2; $ps / $ds" | bc)x);" \
		"verify: dinh $dv ms, pdfsig $pv ms"
done

# Signatures per second on the one-page file, one process each.
t0=$(date +%s.%N)
for i in $(seq 1 $((ROUNDS * 3))); do dsign small.pdf s$i.pdf >/dev/null 2>&1; done
t1=$(date +%s.%N)
echo "dinh pdf sign: $(echo "scale=1; $ROUNDS * 3 / ($t1 - $t0)" | bc) signatures/s (one process each)"
echo "openssl speed rsa2048: $(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048/ {print $6}') signs/s"
