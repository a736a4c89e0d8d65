#!/bin/bash
# pdf-bench.sh: the PDF sandbox next to the tools a user would otherwise
# pick, on the same 20-page file in the same run: page rendering (every
# page 800 pixels wide) against pdftoppm, text extraction against
# pdftotext, and the sandbox's own cost per request (tests/bench/pdf-bench).
# Results go to docs/benchmarks.md by hand.
#
# usage: tests/bench/pdf-bench.sh   (after make; needs poppler-utils)
# environment: BENCH_ROUNDS [10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$(cd "$here/../.." && pwd)}
export DINH_PDF_HELPER=${DINH_PDF_HELPER:-$top_builddir/pdf/dinh-pdf-helper}
ROUNDS=${BENCH_ROUNDS:-10}
command -v pdftoppm >/dev/null || { echo "pdf-bench.sh: needs poppler-utils" >&2; exit 1; }
dir=$(mktemp -d /tmp/dinh-pdfbench-XXXXXX)
trap 'rm -rf "$dir"' EXIT

echo "machine: $(nproc) cores, $(uname -r), $(pdftoppm -v 2>&1 | head -n 1)"
"$top_builddir/tests/bench/pdf-bench" "$dir/minutes.pdf" "$ROUNDS"

# ms per unit of work for a command repeated ROUNDS times.
per() {
	local n=$1 what=$2
	shift 2
	local t0 t1
	t0=$(date +%s.%N)
	for _ in $(seq 1 "$ROUNDS"); do "$@" >/dev/null 2>&1; done
	t1=$(date +%s.%N)
	echo "$(echo "scale=2; ($t1 - $t0) * 1000 / ($ROUNDS * $n)" | bc) ms per $what"
}
echo "pdftoppm, 20 pages 800 px wide, one process: $(per 20 page \
	pdftoppm -png -scale-to-x 800 -scale-to-y -1 "$dir/minutes.pdf" "$dir/ppm")"
echo "pdftoppm, one page per process: $(per 1 page \
	pdftoppm -png -scale-to-x 800 -scale-to-y -1 -f 1 -l 1 "$dir/minutes.pdf" "$dir/ppm1")"
echo "pdftoppm, one page per process, PPM (no PNG encoding): $(per 1 page \
	pdftoppm -scale-to-x 800 -scale-to-y -1 -f 1 -l 1 "$dir/minutes.pdf" "$dir/ppm2")"
echo "dinh pdf render, one page per command: $(per 1 page \
	"$top_builddir/clients/dinh" pdf render "$dir/minutes.pdf" --width 800 -o "$dir/p.png")"
echo "pdftotext, 20 pages: $(per 1 file pdftotext "$dir/minutes.pdf" "$dir/t.txt")"
echo "dinh pdf text, 20 pages: $(per 1 file \
	"$top_builddir/clients/dinh" pdf text "$dir/minutes.pdf" -o "$dir/d.txt")"
cmp -s <(tr -d '\f' <"$dir/t.txt" | tr -s ' \n') <(tr -d '\f' <"$dir/d.txt" | tr -s ' \n') &&
	echo "text: the same as pdftotext's" || echo "text: differs from pdftotext's (layout)"
