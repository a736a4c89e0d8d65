#!/bin/sh
# test_diskfull.sh: the disk filling up under dinhd.  The data directory is
# a small tmpfs; once it is full, a change gets a clear error (E_NOSPACE)
# and nothing of it is kept; dinhd goes on serving; when space is back the
# next change takes the number the failed one did not use; git fsck
# --strict accepts the repository and the index agrees with git.
# Needs root for the mount (skipped, exit 77, otherwise).
set -u
NAME=full
. "${top_srcdir:-.}/tests/integration/lib.sh"
if ! mount -t tmpfs -o size=24m,mode=0700 tmpfs "$D" 2>"$T/mount.err"; then
	echo "SKIP: cannot mount a tmpfs for the data directory: $(cat "$T/mount.err")"
	exit 77
fi
unmount() { umount "$D" 2>/dev/null || umount -l "$D" 2>/dev/null; }
it_extra_cleanup=unmount
start
DINH_NEW_PASSWORD=mat-khau-42 "$DINH" --data-dir "$D" user add "Trần Thị Bình" --roles clerk \
	--out "$T/clerk.p12" >"$T/out" 2>&1 || fail "user add"
clerk() {
	DINH_PASSWORD=mat-khau-42 "$DINH" --server "$ADDR" --ca "$D/ca/ca.pem" \
		--identity "$T/clerk.p12" "$@" >"$T/out" 2>&1
}
create() {
	clerk doc create incoming --field "Subject=Công văn số $1" --field "OrganName=UBND huyện"
}
create 1 || fail "the first document"
grep -q "2026-den-000001\|-den-000001" "$T/out" || fail "first id"

# Fill the disk to the last block.
dd if=/dev/zero of="$D/filler" bs=1M >/dev/null 2>&1
dd if=/dev/zero of="$D/filler2" bs=4k >/dev/null 2>&1
for n in 2 3; do
	create "$n" && fail "a change was acknowledged on a full disk"
	[ $? -eq 6 ] || fail "exit status on a full disk (want 6, the server's error)"
	grep -qi "no space" "$T/out" || fail "the client was not told the disk is full"
done
clerk ping || fail "dinhd stopped serving on a full disk"
grep -q "group commit of 1 changes failed" "$T/dinhd.log" || fail "no log line for the failure"

# Space again: the next change gets the next id and number, no gap.
rm -f "$D/filler" "$D/filler2"
create 4 || fail "a change after space came back"
grep -q -- "-den-000002" "$T/out" || fail "the id after the failures is not 000002"
git --git-dir="$D/repo.git" fsck --strict --no-dangling >"$T/out" 2>&1 || fail "git fsck"
[ "$(git --git-dir="$D/repo.git" rev-list --count main)" -eq 3 ] ||
	fail "the branch should hold the first commit and two documents"
kill -TERM "$pid"
wait "$pid" || fail "dinhd exit status"
pid=
"$DINHD" --data-dir "$D" --check-index >"$T/out" 2>&1 || fail "check-index"
grep -q "agree: 2 documents" "$T/out" || fail "index count"
echo PASS
