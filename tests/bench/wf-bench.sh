#!/bin/bash
# wf-bench.sh: durable transitions per second of the store writer (fsync on)
# against a repository holding BENCH_DOCS documents, from 1, 16 and 256
# closed-loop clients, next to git's command line (hash-object,
# update-index, commit-tree, update-ref in a loop) and `git fast-import`
# doing the same work (one commit per change, the document's file
# rewritten) in the same run.  Results go to docs/benchmarks.md by hand.
#
# usage: tests/bench/wf-bench.sh   (after make; needs tests/workflow/wf-driver)
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

echo "machine: $(nproc) cores, $(uname -r), $(git --version)"
"$DRV" "$dir/repo.git" fill "$DOCS"
echo "repository: $(du -sh "$dir/repo.git" | cut -f1) for $DOCS documents" \
	"($(ls "$dir/repo.git/objects/pack" | grep -c '\.pack$') packs)"
for c in 1 16 256; do
	n=$CHANGES
	[ "$c" = 1 ] && n=$((CHANGES / 10))
	"$DRV" "$dir/repo.git" bench "$c" "$n" "$DOCS"
done
echo "repository after the runs: $(du -sh "$dir/repo.git" | cut -f1)"

# Peer 1: git plumbing, one durable commit per change (core.fsync as dinhd).
peer=$dir/peer.git
git init -q --bare "$peer"
git --git-dir="$peer" config core.fsync all
git --git-dir="$peer" config core.fsyncMethod fsync
export GIT_DIR=$peer GIT_INDEX_FILE=$dir/index
export GIT_AUTHOR_NAME="Trần Thị Bình" GIT_AUTHOR_EMAIL=van-thu@ab12
export GIT_COMMITTER_NAME=dinhd GIT_COMMITTER_EMAIL=dinhd@localhost
t0=$(date +%s.%N)
parent=""
for i in $(seq 1 "$GITN"); do
	b=$(printf '<Document id="2026-den-%06d"><Comment>%d</Comment></Document>\n' \
		$((i % 1000)) "$i" | git hash-object -w --stdin)
	git update-index --add --cacheinfo 100644 "$b" \
		"docs/2026/den/00/$(printf %02d $((i % 1000 / 100)))/2026-den-$(printf %06d $((i % 1000)))/meta.xml"
	tree=$(git write-tree)
	if [ -n "$parent" ]; then
		c=$(echo "Ý kiến" | git commit-tree "$tree" -p "$parent")
	else
		c=$(echo "Ý kiến" | git commit-tree "$tree")
	fi
	git update-ref refs/heads/main "$c"
	parent=$c
done
t1=$(date +%s.%N)
echo "git plumbing loop: $GITN durable commits in $(echo "$t1 - $t0" | bc) s =" \
	"$(echo "$GITN / ($t1 - $t0)" | bc) /s"
unset GIT_DIR GIT_INDEX_FILE

# Peer 2: git fast-import, the same commits in one stream, one checkpoint at the end.
fi_repo=$dir/fi.git
git init -q --bare "$fi_repo"
n=$CHANGES
{
	for i in $(seq 1 "$n"); do
		d=$(printf 2026-den-%06d $((i % DOCS)))
		body="<Document id=\"$d\"><Comment>$i</Comment></Document>"
		printf 'commit refs/heads/main\nauthor Trần Thị Bình <van-thu@ab12> 1796176800 +0700\n'
		printf 'committer dinhd <dinhd@localhost> 1796176800 +0700\ndata 9\nÝ kiến\n'
		printf 'M 100644 inline docs/2026/den/%02d/%02d/%s/meta.xml\ndata %d\n%s\n\n' \
			$((i % DOCS / 10000)) $((i % DOCS / 100 % 100)) "$d" "${#body}" "$body"
	done
} >"$dir/stream"
t0=$(date +%s.%N)
git --git-dir="$fi_repo" fast-import --quiet <"$dir/stream"
sync -f "$fi_repo/objects"
t1=$(date +%s.%N)
echo "git fast-import: $n commits (durable only at the end) in $(echo "$t1 - $t0" | bc) s =" \
	"$(echo "$n / ($t1 - $t0)" | bc) /s"
