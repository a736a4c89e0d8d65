#!/bin/sh
# Regenerates the seed corpus of fuzz_proto in tests/fuzz/corpus/proto/:
# valid frames of every message kind, chunks, and hostile inputs.  The files
# are committed; rerun this after a protocol change and commit the result.
set -eu
out="$(cd "$(dirname "$0")" && pwd)/corpus/proto"
mkdir -p "$out"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# u32 big endian as raw bytes
u32() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) \
		$(($1 >> 8 & 255)) $(($1 & 255)))"
}

# frame TYPE < body  (writes header + body to stdout)
frame() {
	cat > "$tmp"
	u32 "$(wc -c < "$tmp")"
	printf "$(printf '\\%03o' "$1")\\000\\000\\000"
	cat "$tmp"
}

control() { printf '%s' "$1" | frame 1; }

# chunk ID OFFSET DATA
chunk() {
	{
		u32 "$1"
		printf 'dinh-seed-sha256-0123456789abcde'
		u32 0
		u32 "$2"
		printf '%s' "$3"
	} | frame 2
}

control '<hello min="1" max="1" agent="dinh/0.1"/>' > "$out/hello-client"
control '<?xml version="1.0" encoding="UTF-8"?>
<hello version="1" agent="dinhd/0.1" person="p1" name="Nguyễn Văn An" roles="clerk,officer"/>' \
	> "$out/hello-server"
control '<req id="1" op="ping"/>' > "$out/req-ping"
control '<req id="2" op="user.add" name="Trần Thị Bình" roles="clerk"><csr>-----BEGIN CERTIFICATE REQUEST-----
MIIBfake
-----END CERTIFICATE REQUEST-----</csr></req>' > "$out/req-user-add"
control '<req id="3" op="file.put" sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" size="4"/>' \
	> "$out/req-file-put"
control '<resp id="1" time="1795000000"/>' > "$out/resp-ping"
control '<resp id="4">
  <person id="p1" name="Nguyễn Văn An" roles="admin" kind="person" serial="01ab" issued="2026-11-22"/>
  <person id="h1" name="Nhà văn hóa thôn Đông" roles="hall" kind="hall" serial="02" issued="2026-11-22" revoked="1"/>
</resp>' > "$out/resp-user-list"
control '<err id="5" code="E_PERM">không được phép: hồ sơ &amp; &lt;biên bản&gt; &#x1EA1;</err>' \
	> "$out/err-perm"
control '<err code="E_VERSION"/>' > "$out/err-conn"
control '<event seq="1" name="page"><![CDATA[page 3 <of> 10]]></event>' > "$out/event-page"
control '<bye/>' > "$out/bye"
{ control '<req id="6" op="file.get" sha256="00" offset="0"/>'; chunk 6 0 'hello'; \
	chunk 6 5 ' world'; control '<bye/>'; } > "$out/stream-get"
chunk 7 0 'Biên bản họp' > "$out/chunk-one"
chunk 8 4294967295 '' > "$out/chunk-empty"
# a CHUNK frame whose body is shorter than the chunk header
printf 'short' | frame 2 > "$out/chunk-short"
control '<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>' > "$out/billion-laughs"
control '<!DOCTYPE req [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><req id="1" op="ping">&xxe;</req>' \
	> "$out/xxe"
control '<a><b><c><d><e><f><g><h><i/></h></g></f></e></d></c></b></a>' > "$out/too-deep"
control '<a k0="" k1="" k2="" k3="" k4="" k5="" k6="" k7="" k8="" k9="" k10="" k11="" k12="" k13="" k14="" k15="" k16="" k17="" k18="" k19="" k20="" k21="" k22="" k23="" k24="" k25="" k26="" k27="" k28="" k29="" k30="" k31="" k32=""/>' \
	> "$out/too-many-attrs"
printf '<a>\377</a>' | frame 1 > "$out/bad-utf8"
control '<req id="1"><unclosed></req>' > "$out/not-well-formed"
# truncated: header announces 100 bytes, 10 present
{ u32 100; printf '\001\000\000\000<req id="1'; } > "$out/truncated-control"
printf '\000\000' > "$out/truncated-header"
# oversized: CONTROL of 65537 bytes, CHUNK over the cap
{ u32 65537; printf '\001\000\000\000<a/>'; } > "$out/oversized-control"
{ u32 262189; printf '\002\000\000\000'; } > "$out/oversized-chunk"
{ u32 0; printf '\003\000\000\000'; } > "$out/unknown-type"
{ u32 6; printf '\001\001\000\000<a/>  '; } > "$out/reserved-bits"
echo "$(ls "$out" | wc -l) seeds in $out"
