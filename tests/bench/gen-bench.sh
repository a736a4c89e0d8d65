#!/bin/sh
# gen-bench.sh: how long `dinh pdf gen` takes for a 20-page minutes document
# and for a one-page receipt (docs/benchmarks.md, "PDF generation").
# Run after `make`:  tests/bench/gen-bench.sh [RUNS]
# Each run is a whole process (font loading included), as a clerk would
# run it; the minutes are built by this script until they fill 20 pages.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
dinh=$top_builddir/clients/dinh
runs=${1:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Minutes of $1 items, each with a discussion, a named vote and a conclusion.
minutes() {
	printf '<minutes><head issuer="UBND XÃ MẪU SƠN" number="12/BB-UBND" place="Mẫu Sơn" date="2026-12-05"/>'
	printf '<subject>Họp giao ban tháng 12 năm 2026</subject><start>2026-12-05 08:00</start>'
	printf '<end>2026-12-05 11:30</end><place>Hội trường UBND xã</place><chair>Nguyễn Văn An</chair>'
	printf '<secretary>Lý Thị Mai</secretary>'
	for a in "Nguyễn Văn An" "Trần Quốc Bảo" "Lý Thị Mai" "Hoàng Thị Thu Hà" "Tôn Nữ Hoàng Thị Phương Thảo"; do
		printf '<attendee position="Công chức">%s</attendee>' "$a"
	done
	i=0
	while [ "$i" -lt "$1" ]; do
		printf '<item title="Nội dung số %d: báo cáo kết quả thực hiện nhiệm vụ"><content>' "$i"
		printf 'Ông Trần Quốc Bảo trình bày báo cáo: thu ngân sách đạt 92%% kế hoạch năm; 100%% hồ sơ được giải quyết trực tuyến, không có hồ sơ trễ hạn.\nCác đại biểu thống nhất với báo cáo, đề nghị bổ sung số liệu tiêm chủng mở rộng và kế hoạch chuyển đổi số.</content>'
		printf '<vote motion="Thông qua báo cáo"><ballot choice="yes">Nguyễn Văn An</ballot><ballot choice="yes">Trần Quốc Bảo</ballot>'
		printf '<ballot choice="no">Lý Thị Mai</ballot><ballot choice="none">Hoàng Thị Thu Hà</ballot></vote>'
		printf '<conclusion>Thông qua báo cáo.</conclusion></item>'
		i=$((i + 1))
	done
	printf '<signer position="CHỦ TRÌ" name="Nguyễn Văn An"/></minutes>\n'
}

pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }

n=40
while :; do
	minutes "$n" >"$work/m.xml"
	"$dinh" pdf gen minutes "$work/m.xml" "$work/m.pdf" >/dev/null
	p=$(pages "$work/m.pdf")
	[ "$p" -ge 20 ] && break
	n=$((n + 5))
done

# Milliseconds per run of `dinh pdf gen $1 $2`, over $runs runs.
timeit() {
	s=$(date +%s%N)
	k=0
	while [ "$k" -lt "$runs" ]; do
		"$dinh" pdf gen "$1" "$2" "$work/out.pdf" >/dev/null
		k=$((k + 1))
	done
	echo $(( ($(date +%s%N) - s) / 1000000 / runs ))
}

tm=$(timeit minutes "$work/m.xml")
sm=$(stat -c %s "$work/out.pdf")
tr=$(timeit receipt "$top_srcdir/tests/pdf/data/receipt.xml")
sr=$(stat -c %s "$work/out.pdf")
echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "| document | pages | size | time per run (mean of $runs) |"
echo "|---|---|---|---|"
echo "| minutes, $n items | $p | $((sm / 1024)) KiB | $tm ms |"
echo "| receipt with QR code | 1 | $((sr / 1024)) KiB | $tr ms |"
