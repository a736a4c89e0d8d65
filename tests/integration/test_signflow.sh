#!/bin/sh
# test_signflow.sh: signatures bound to the workflow, over real TLS with the
# real CLI.  The chair signs an outgoing document with his commune-issued
# official signing certificate (from a SoftHSM2 token when one can be made,
# else from his PKCS#12) through pdf.sign.prepare/finish; the clerk has the
# server add the agency seal-signature; both files verify offline and on the
# server; the workflow takes the sign and seal steps and git records the
# certificates' fingerprints.  Refused, with nothing committed: an unsigned
# PDF, a broken signature, someone else's certificate, a foreign CA, a seal
# someone else asked for.  A citizen's certificate signs an application that
# verifies.  An external root of [signing] trust is trusted by pdf.verify.
set -u
NAME=signflow
. "${top_srcdir:-.}/tests/integration/lib.sh"
EX_OK=0 EX_PERM=4 EX_SERVER=6 EX_HASH=8
unset DINH_PASSWORD DINH_NEW_PASSWORD

start
PW=mat-khau-ky-so-7
enrol() { # LABEL NAME ROLES: prints the person's id
	DINH_NEW_PASSWORD=$PW "$DINH" --data-dir "$D" user add "$2" --roles "$3" \
		--out "$T/$1.p12" | sed -n 's/^Enrolled .* as \([^ ]*\) (certificate.*/\1/p'
}
CHAIR=$(enrol chair "Nguyễn Văn An" chair)
CLERK=$(enrol clerk "Trần Thị Bình" clerk)
enrol officer "Phạm Văn Cường" officer >/dev/null
enrol desk "Hoàng Thị Dung" desk >/dev/null
[ -n "$CHAIR" ] && [ -n "$CLERK" ] || fail "enrolment failed"
as() {
	who=$1
	shift
	DINH_PASSWORD=$PW "$DINH" --server "$ADDR" --ca "$D/ca/ca.pem" --identity "$T/$who.p12" "$@"
}
# Signing certificates: the chair's and the clerk's (official, recorded as
# theirs), a citizen's (free, no account here).
issue() { # OUT NAME PROFILE [ARGS]
	out=$1 name=$2 prof=$3
	shift 3
	run $EX_OK env DINH_NEW_PASSWORD=$PW "$DINH" --data-dir "$D" cert issue "$name" \
		--profile "$prof" --out "$T/$out.p12" "$@"
}
issue chair-sign "Nguyễn Văn An" official --person "$CHAIR"
issue clerk-sign "Trần Thị Bình" official --person "$CLERK"
CLERK_SERIAL=$(sed -n 's/^Signing certificate \([0-9a-f]*\) issued.*/\1/p' "$T/out")
[ -n "$CLERK_SERIAL" ] || fail "cert issue printed no serial"
issue citizen-sign "Lò Thị Mây" citizen --uid CCCD:001099012345
run 5 env DINH_NEW_PASSWORD=$PW "$DINH" --data-dir "$D" cert issue X --profile official \
	--person nobody-here --out "$T/x.p12"
fpr_of() { # P12: the SHA-256 of its certificate, lowercase hex
	openssl pkcs12 -in "$T/$1.p12" -nokeys -clcerts -passin "pass:$PW" 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}
CHAIR_FPR=$(fpr_of chair-sign)
[ ${#CHAIR_FPR} -eq 64 ] || fail "no fingerprint of the chair's certificate"
SEAL_FPR=$(openssl x509 -in "$D/seal/seal.pem" -noout -fingerprint -sha256 |
	sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
[ -f "$D/seal/seal.key" ] || fail "no agency seal key made at first start"
[ "$(stat -c %a "$D/seal/seal.key")" = 600 ] || fail "seal.key is not 0600"
openssl x509 -in "$D/seal/seal.pem" -noout -ext extendedKeyUsage 2>/dev/null |
	grep -q '1.3.6.1.5.5.7.3.36\|Document Signing' || fail "the seal is no document-signing cert"

# The document and its PDF.
"$DINH" pdf gen agenda "$top_srcdir/tests/fuzz/corpus/genxml/agenda.xml" "$T/doc.pdf" \
	>/dev/null 2>&1 || fail "pdf gen"
DOC=$(as officer doc create outgoing --field "Subject=Giấy mời họp giao ban" --field TypeAbbr=GM |
	sed -n 's/^\([0-9]\{4\}-[a-z]*-[0-9]*\):.*/\1/p' | head -n 1)
[ -n "$DOC" ] || fail "doc create"
run $EX_OK as chair doc act "$DOC" approve
run $EX_OK as clerk doc act "$DOC" check
UNSIGNED=$(as chair file put "$T/doc.pdf")
HEAD0=$(git --git-dir "$D/repo.git" rev-parse HEAD)

# Refusals of the sign step, nothing committed.
run $EX_SERVER as chair doc act "$DOC" sign --signed-pdf "$UNSIGNED"
grep -q "no signature" "$T/out" || fail "unsigned: no clear reason"
run $EX_OK env DINH_PASSWORD=$PW "$DINH" pdf sign --identity "$T/clerk-sign.p12" \
	"$T/doc.pdf" "$T/by-clerk.pdf"
run $EX_PERM as chair doc act "$DOC" sign --signed-pdf "$(as chair file put "$T/by-clerk.pdf")"
grep -q "not yours" "$T/out" || fail "someone else's certificate: no clear reason"
# A broken signature: one byte of the signed content changed, same length.
python3 -c "import sys
d=bytearray(open(sys.argv[1],'rb').read()); i=d.index(b'/MediaBox'); d[i+1]^=0x20
open(sys.argv[2],'wb').write(d)" "$T/by-clerk.pdf" "$T/broken.pdf"
run $EX_SERVER as chair doc act "$DOC" sign --signed-pdf "$(as chair file put "$T/broken.pdf")"
grep -q "broken\|changed\|cannot be read" "$T/out" || fail "broken: no clear reason"
# A foreign CA: a document-signing certificate the commune never issued.
certtool --generate-privkey --ecc --outfile "$T/f-ca.key" >/dev/null 2>&1
printf 'cn = "Foreign CA"\nca\ncert_signing_key\nexpiration_days = 30\n' >"$T/f-ca.tmpl"
certtool --generate-self-signed --load-privkey "$T/f-ca.key" --template "$T/f-ca.tmpl" \
	--outfile "$T/f-ca.pem" >/dev/null 2>&1
certtool --generate-privkey --ecc --outfile "$T/f.key" >/dev/null 2>&1
printf 'cn = "Nguyễn Văn An"\nsigning_key\nexpiration_days = 30\n' >"$T/f.tmpl"
certtool --generate-certificate --load-privkey "$T/f.key" --load-ca-privkey "$T/f-ca.key" \
	--load-ca-certificate "$T/f-ca.pem" --template "$T/f.tmpl" --outfile "$T/f.pem" \
	>/dev/null 2>&1 || fail "certtool"
run $EX_OK "$DINH" pdf sign --identity "$T/f.key:$T/f.pem:$T/f-ca.pem" "$T/doc.pdf" \
	"$T/foreign.pdf"
run $EX_SERVER as chair doc act "$DOC" sign --signed-pdf "$(as chair file put "$T/foreign.pdf")"
grep -q "not trusted" "$T/out" || fail "foreign CA: no clear reason"
[ "$(git --git-dir "$D/repo.git" rev-parse HEAD)" = "$HEAD0" ] || fail "a refusal committed"

# The chair signs where his key is: on a token if SoftHSM2 is here, else his file.
IDENT=$T/chair-sign.p12
if command -v softhsm2-util >/dev/null && command -v p11tool >/dev/null; then
	mkdir -p "$T/tokens"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$T/tokens" \
		>"$T/softhsm2.conf"
	export SOFTHSM2_CONF=$T/softhsm2.conf
	softhsm2-util --init-token --free --label chair --so-pin 87654321 --pin 123456 \
		>/dev/null 2>&1
	openssl pkcs12 -in "$T/chair-sign.p12" -nocerts -nodes -passin "pass:$PW" 2>/dev/null |
		openssl pkey -out "$T/chair.key" 2>/dev/null
	openssl pkcs12 -in "$T/chair-sign.p12" -nokeys -clcerts -passin "pass:$PW" 2>/dev/null |
		openssl x509 -out "$T/chair.pem" 2>/dev/null
	if p11tool --list-tokens 2>/dev/null | grep -q 'token=chair$' &&
		GNUTLS_PIN=123456 p11tool --login --write --load-privkey "$T/chair.key" \
			--label signer --id 01 'pkcs11:token=chair' >/dev/null 2>&1 &&
		GNUTLS_PIN=123456 p11tool --login --write --load-certificate "$T/chair.pem" \
			--label signer --id 01 'pkcs11:token=chair' >/dev/null 2>&1; then
		IDENT='pkcs11:token=chair;object=signer'
		rm -f "$T/chair.key"
		echo "signing on a SoftHSM2 token"
	fi
fi
KEYPW=$PW
case $IDENT in pkcs11:*) KEYPW=123456 ;; esac
export DINH_SIGN_PASSWORD=$KEYPW
as chair pdf sign --server --identity "$IDENT" --sha256 "$UNSIGNED" \
	-o "$T/signed.pdf" >"$T/sha1" 2>"$T/out" </dev/null || fail "pdf sign --server"
S1=$(head -n 1 "$T/sha1")
[ ${#S1} -eq 64 ] || fail "pdf sign --server printed no sha256"
run $EX_OK "$DINH" pdf verify --trust "$D/ca/ca.pem" "$T/signed.pdf"
grep -q "Nguyễn Văn An" "$T/out" || fail "the signer is not the chair"
run $EX_OK as clerk pdf verify --server --sha256 "$S1"
grep -q "$CHAIR_FPR" "$T/out" || fail "pdf.verify does not give the chair's fingerprint"
run $EX_OK as chair doc act "$DOC" sign --signed-pdf "$S1"
git --git-dir "$D/repo.git" log -1 --format=%B | grep -q "^Dinh-Signer-Certificate: $CHAIR_FPR$" ||
	fail "the sign commit does not record the chair's certificate"
run $EX_OK as clerk doc act "$DOC" number

# The seal: the chair's own seal does not count for the clerk.
run $EX_OK as chair pdf seal --sha256 "$S1"
run $EX_PERM as clerk doc act "$DOC" seal --signed-pdf "$(grep -E "^[0-9a-f]{64}$" "$T/out")"
grep -q "not at your request" "$T/out" || fail "someone else's seal: no clear reason"
as clerk pdf seal --sha256 "$S1" -o "$T/sealed.pdf" >"$T/sha2" 2>"$T/out" || fail "pdf seal"
S2=$(head -n 1 "$T/sha2")
run $EX_OK "$DINH" pdf verify --trust "$D/ca/ca.pem" "$T/sealed.pdf"
[ "$(grep -c 'integrity: intact' "$T/out")" -eq 2 ] || fail "sealed: not two intact signatures"
run $EX_OK as chair pdf verify --server "$T/sealed.pdf"
run $EX_PERM as officer pdf seal --sha256 "$S1"
# Visible seals made on the server: the red seal with the agency and the
# time, and the stamp of an electronic copy; both verified.
as clerk pdf seal --sha256 "$S1" --appearance seal -o "$T/seal-visible.pdf" >/dev/null \
	2>"$T/out" || fail "pdf seal --appearance seal"
run $EX_OK "$DINH" pdf verify --trust "$D/ca/ca.pem" "$T/seal-visible.pdf"
pdftotext "$T/seal-visible.pdf" - | grep -q "+07:00" || fail "visible seal without its time"
as clerk pdf seal --sha256 "$S1" --appearance copy --copy-kind "SAO LỤC" \
	-o "$T/copy-visible.pdf" >/dev/null 2>"$T/out" || fail "pdf seal --appearance copy"
pdftotext "$T/copy-visible.pdf" - | grep -q "SAO LỤC" || fail "copy stamp without its kind"
run $EX_SERVER as clerk pdf seal --sha256 "$S1" --appearance signer
run $EX_SERVER as clerk pdf seal --sha256 "$S1" --appearance copy --copy-kind "BẢN NHÁP"
run $EX_OK as clerk doc act "$DOC" seal --signed-pdf "$S2"
git --git-dir "$D/repo.git" log -1 --format=%B | grep -q "^Dinh-Signer-Certificate: $SEAL_FPR$" ||
	fail "the seal commit does not record the seal's certificate"
META=$(git --git-dir "$D/repo.git" ls-tree -r --name-only HEAD | grep "/$DOC/meta.xml")
git --git-dir "$D/repo.git" show "HEAD:$META" >"$T/meta.xml"
grep -q "signer-certificate=\"$CHAIR_FPR\"" "$T/meta.xml" || fail "meta.xml: no chair step cert"
grep -q "signer-certificate=\"$SEAL_FPR\"" "$T/meta.xml" || fail "meta.xml: no seal step cert"

# A dossier's result: signed by the chair, refused with the clerk's signature.
DOS=$(as desk doc create dossier --field ProcedureId=khai-sinh --field "Applicant=Vi Thị Lan" |
	sed -n 's/^\([0-9]\{4\}-[a-z]*-[0-9]*\):.*/\1/p' | head -n 1)
[ -n "$DOS" ] || fail "dossier create"
run $EX_OK as desk doc act "$DOS" receive
run $EX_OK as desk doc act "$DOS" start
run $EX_PERM as chair doc act "$DOS" finish --signed-pdf "$(as chair file put "$T/by-clerk.pdf")"
run $EX_OK as chair doc act "$DOS" finish --signed-pdf "$S1"
git --git-dir "$D/repo.git" log -1 --format=%B | grep -q "^Dinh-Signer-Certificate: $CHAIR_FPR$" ||
	fail "the dossier's result does not record the chair's certificate"

# A prepared signature is one-shot and answers only its own person.
export DINH_SIGN_PASSWORD=$PW
run $EX_PERM as chair pdf sign --server --identity "$T/clerk-sign.p12" --sha256 "$S1"
grep -q "not a valid signing certificate of yours" "$T/out" || fail "prepare: no clear reason"

# A citizen signs an application offline with the commune's free certificate.
run $EX_OK env DINH_PASSWORD=$PW "$DINH" pdf sign --identity "$T/citizen-sign.p12" \
	"$T/doc.pdf" "$T/application.pdf"
run $EX_OK "$DINH" pdf verify --trust "$D/ca/ca.pem" "$T/application.pdf"
grep -q "Lò Thị Mây" "$T/out" || fail "the citizen is not the signer"
run $EX_OK as clerk pdf verify --server "$T/application.pdf"
run $EX_HASH as clerk pdf verify --server "$T/foreign.pdf"
grep -q "untrusted" "$T/out" || fail "pdf.verify: the foreign signature is not untrusted"
run $EX_HASH as clerk pdf verify --server "$T/broken.pdf"

# A revoked certificate: its signatures are no longer trusted, the workflow
# no longer takes it (the clerk's, on a fresh dossier-like check: pdf.verify).
run $EX_OK as clerk pdf verify --server "$T/by-clerk.pdf"
run $EX_OK "$DINH" --data-dir "$D" cert revoke "$CLERK_SERIAL"
run $EX_HASH as clerk pdf verify --server "$T/by-clerk.pdf"
grep -q "revocation:  revoked" "$T/out" || fail "a revoked certificate is not reported revoked"
grep -q "marked revoked in the signers registry" "$T/dinhd.log" || fail "signers.ini not told"

# [signing] trust: with the foreign CA configured as an external root, the
# server's verifier trusts its signature; the workflow still wants the actor's.
kill -TERM "$pid" && wait "$pid"
pid=
printf '[signing]\ntrust = %s\n' "$T/f-ca.pem" >"$D/dinhd.conf"
start
run $EX_OK as clerk pdf verify --server "$T/foreign.pdf"
# SIGHUP reads the roots again: without the foreign root it is untrusted.
: >"$D/dinhd.conf"
kill -HUP "$pid"
i=0
while ! grep -q "signing roots reloaded" "$T/dinhd.log"; do
	i=$((i + 1)); [ $i -le 100 ] || fail "no reload logged"; sleep 0.05
done
run $EX_HASH as clerk pdf verify --server "$T/foreign.pdf"
grep -q "untrusted" "$T/out" || fail "after SIGHUP the foreign root is still trusted"
# The agency seal is renewed before it expires: a seal certificate with ten
# days left is replaced at start, the old one kept; the new one seals.
kill -TERM "$pid" && wait "$pid"
pid=
openssl req -new -key "$D/seal/seal.key" -subj "/CN=UBND xã Mẫu" -utf8 -out "$T/seal.csr" \
	2>/dev/null || fail "openssl req"
openssl x509 -req -in "$T/seal.csr" -CA "$D/ca/ca.pem" -CAkey "$D/ca/ca.key" -days 10 \
	-set_serial 0x5ea1 -out "$D/seal/seal.pem" 2>/dev/null || fail "openssl x509"
start
grep -q "renewing it" "$T/dinhd.log" || fail "a seal with ten days left was not renewed"
[ -f "$D/seal/seal-5ea1.pem" ] || ls "$D/seal" | grep -q "seal-.*5ea1" ||
	fail "the old seal certificate was not kept"
openssl x509 -in "$D/seal/seal.pem" -noout -checkend 8640000 >/dev/null ||
	fail "the renewed seal does not last 100 days"
as clerk pdf seal --sha256 "$S1" -o "$T/sealed-new.pdf" >/dev/null 2>"$T/out" ||
	fail "sealing with the renewed seal"
run $EX_OK "$DINH" pdf verify --trust "$D/ca/ca.pem" "$T/sealed-new.pdf"
printf '[signing]\ntrust = %s\n' "$T/nothing.pem" >"$D/dinhd.conf"
"$DINHD" --data-dir "$D" --check-config >"$T/out" 2>&1 && fail "a missing trust file passed"
grep -q "signing" "$T/out" || fail "a missing trust file: no clear reason"
echo "PASS: test_signflow"
