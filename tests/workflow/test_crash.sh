#!/bin/sh
# kill -9 of the store writer at random moments under a stream of changes:
# after each kill every acknowledged change is in the repository, nothing
# is half applied, and `git fsck --strict` is clean.
set -eu
drv=${top_builddir:-.}/tests/workflow/wf-driver
dir=$(mktemp -d /tmp/dinh-crash-XXXXXX)
trap 'rm -rf "$dir"' EXIT
repo=$dir/repo.git
rounds=${DINH_CRASH_ROUNDS:-6}
i=0
while [ "$i" -lt "$rounds" ]; do
	i=$((i + 1))
	"$drv" "$repo" stream 100000 >"$dir/acks.$i" 2>"$dir/err.$i" &
	pid=$!
	# 0.2 to 1.1 s: somewhere inside a batch, a pack write or a ref move.
	sleep "0.$((2 + $(od -An -N1 -tu1 /dev/urandom) % 9))"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	n=$(grep -c '^ack ' "$dir/acks.$i" || true)
	git --git-dir="$repo" fsck --strict --no-dangling >"$dir/fsck.$i" 2>&1 ||
		{ echo "round $i: git fsck failed"; cat "$dir/fsck.$i"; exit 1; }
	"$drv" "$repo" check "$dir/acks.$i" || { echo "round $i: lost changes"; exit 1; }
	echo "round $i: killed after $n acknowledged changes; fsck clean; none lost"
done
