#!/bin/sh
# make check: replays the seed corpus of each fuzz target through the
# standalone driver (tests/fuzz/standalone.c).
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
"$top_builddir/tests/fuzz/fuzz_proto" "$top_srcdir/tests/fuzz/corpus/proto"
"$top_builddir/tests/fuzz/fuzz_def" "$top_srcdir/tests/fuzz/corpus/def"
"$top_builddir/tests/fuzz/fuzz_doc" "$top_srcdir/tests/fuzz/corpus/doc"
"$top_builddir/tests/fuzz/fuzz_search" "$top_srcdir/tests/fuzz/corpus/search"
"$top_builddir/tests/fuzz/fuzz_pdfobj" "$top_srcdir/tests/fuzz/corpus/pdfobj"
"$top_builddir/tests/fuzz/fuzz_pdfverify" "$top_srcdir/tests/fuzz/corpus/pdfverify"
"$top_builddir/tests/fuzz/fuzz_ber" "$top_srcdir/tests/fuzz/corpus/ber"
"$top_builddir/tests/fuzz/fuzz_genxml" "$top_srcdir/tests/fuzz/corpus/genxml"
"$top_builddir/tests/fuzz/fuzz_meet" "$top_srcdir/tests/fuzz/corpus/meet"
