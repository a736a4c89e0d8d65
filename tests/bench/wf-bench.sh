#!/bin/bash
# wf-bench.sh: durable transitions per second of the store writer (fsync on)
# against a repository holding BENCH_DOCS documents, from 1, 16 and 256
# closed-loop clients; the writer's startup; the repository's growth; and,
# in the same run, two peers doing the same work on a repository of the
# same size (one commit per change, the document's meta.xml rewritten):
# git's command line (hash-object, update-index, write-tree, commit-tree,
# update-ref, core.fsync=all) and `git fast-import` (durable only at the
# end).  Results go to docs/benchmarks.md by hand; nothing here asserts a
# time.
#
# usage: tests/bench/wf-bench.sh   (after make check, which builds
#        tests/workflow/wf-driver)
# environment: BENCH_DOCS [100000]  BENCH_CHANGES [20000]  BENCH_GIT [300]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${top_builddir:-$(cd "$here/../.." && pwd)}
DRV=$top_builddir/tests/workflow/wf-driver
DOCS=${BENCH_DOCS:-100000}
CHANGES=${BENCH_CHANGES:-20000}
GITN=${BENCH_GIT:-300}
dir=$(mktemp -d /tmp/dinh-wfbench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
repo=$dir/repo.git

bytes() { du -sb "$1" | cut -f1; }
packs() { ls "$1/objects/pack" | grep -c '\.pack$' || true; }
now() { date +%s.%N; }

echo "machine: $(nproc) cores, $(uname -r), $(git --version)"
"$DRV" "$repo" fill "$DOCS"
echo "repository: $(bytes "$repo") bytes for $DOCS documents ($(packs "$repo") packs)"
"$DRV" "$repo" open "$DOCS"
for c in 1 16 256; do
	n=$CHANGES
	[ "$c" = 1 ] && n=$((CHANGES / 10))
	b0=$(bytes "$repo")
	"$DRV" "$repo" bench "$c" "$n" "$DOCS"
	b1=$(bytes "$repo")
	echo "  repository +$(((b1 - b0) * 10000 / n)) bytes per 10,000 transitions" \
		"($(packs "$repo") packs)"
done
git --git-dir="$repo" fsck --strict --no-dangling && echo "git fsck --strict: clean"

# The peers' repository: the same DOCS documents in one commit (untimed).
export GIT_AUTHOR_NAME="Trần Thị Bình" GIT_AUTHOR_EMAIL=van-thu@ab12
export GIT_COMMITTER_NAME=dinhd GIT_COMMITTER_EMAIL=dinhd@localhost
docpath() { printf 'docs/2026/den/%02d/%02d/2026-den-%06d/meta.xml' \
	$(($1 / 10000)) $(($1 / 100 % 100)) "$1"; }
fi_repo=$dir/fi.git
git init -q --bare "$fi_repo"
LC_ALL=C awk -v n="$DOCS" 'BEGIN {
	printf "commit refs/heads/main\nauthor x <x@x> 1796176800 +0700\n"
	printf "committer dinhd <dinhd@localhost> 1796176800 +0700\ndata 4\nfill\n"
	for (i = 1; i <= n; i++) {
		b = sprintf("<Document id=\"2026-den-%06d\"><Subject>Công văn</Subject></Document>", i)
		printf "M 100644 inline docs/2026/den/%02d/%02d/2026-den-%06d/meta.xml\n", \
			int(i / 10000), int(i / 100) % 100, i
		printf "data %d\n%s\n", length(b), b
	}
	printf "\n"
}' | LC_ALL=C git --git-dir="$fi_repo" fast-import --quiet
git --git-dir="$fi_repo" repack -q -a -d
cp -a "$fi_repo" "$dir/peer.git"

# Peer 1: git plumbing, one durable commit per change (core.fsync as dinhd).
peer=$dir/peer.git
git --git-dir="$peer" config core.fsync all
git --git-dir="$peer" config core.fsyncMethod fsync
export GIT_DIR=$peer GIT_INDEX_FILE=$dir/index
git read-tree main
parent=$(git rev-parse main)
t0=$(now)
for i in $(seq 1 "$GITN"); do
	d=$((1 + (i * 7919) % DOCS))
	b=$(printf '<Document id="2026-den-%06d"><Comment>%d</Comment></Document>\n' \
		"$d" "$i" | git hash-object -w --stdin)
	git update-index --cacheinfo 100644 "$b" "$(docpath "$d")"
	tree=$(git write-tree)
	c=$(echo "Ý kiến" | git commit-tree "$tree" -p "$parent")
	git update-ref refs/heads/main "$c" "$parent"
	parent=$c
done
t1=$(now)
echo "git plumbing loop ($DOCS documents): $GITN durable commits in" \
	"$(echo "$t1 - $t0" | bc) s = $(echo "$GITN / ($t1 - $t0)" | bc) /s"
unset GIT_DIR GIT_INDEX_FILE

# Peer 2: git fast-import, the same commits in one stream on top of the
# fill, one checkpoint at the end, then one sync of the repository.
LC_ALL=C awk -v n="$CHANGES" -v docs="$DOCS" 'BEGIN {
	for (i = 1; i <= n; i++) {
		d = 1 + (i * 7919) % docs
		b = sprintf("<Document id=\"2026-den-%06d\"><Comment>%d</Comment></Document>", d, i)
		printf "commit refs/heads/main\nauthor x <x@x> 1796176800 +0700\n"
		printf "committer dinhd <dinhd@localhost> 1796176800 +0700\ndata 9\nÝ kiến\n"
		if (i == 1)
			printf "from refs/heads/main^0\n"
		printf "M 100644 inline docs/2026/den/%02d/%02d/2026-den-%06d/meta.xml\n", \
			int(d / 10000), int(d / 100) % 100, d
		printf "data %d\n%s\n\n", length(b), b
	}
}' >"$dir/stream"
b0=$(bytes "$fi_repo")
t0=$(now)
LC_ALL=C git --git-dir="$fi_repo" fast-import --quiet <"$dir/stream"
sync -f "$fi_repo/objects"
t1=$(now)
b1=$(bytes "$fi_repo")
echo "git fast-import ($DOCS documents): $CHANGES commits (durable only at the end) in" \
	"$(echo "$t1 - $t0" | bc) s = $(echo "$CHANGES / ($t1 - $t0)" | bc) /s," \
	"+$(((b1 - b0) * 10000 / CHANGES)) bytes per 10,000"
