#!/bin/sh
# One command: install what is missing, build, and run dinhd in the foreground
# on its embedded default (data directory /var/lib/dinh unless DINH_DATA_DIR is
# set; listening on 127.0.0.1:4343 unless DINH_LISTEN is set).
#
# usage: sh scripts/run.sh [--demo]
#   --demo   once dinhd listens, fill it with a demo commune (scripts/demo.sh):
#            its people, village halls, documents and dossiers
set -eu
cd "$(dirname "$0")/.."
demo=0
[ "${1:-}" = --demo ] && demo=1
sh scripts/deps.sh
sh scripts/build.sh
DATA=${DINH_DATA_DIR:-/var/lib/dinh}
LISTEN=${DINH_LISTEN:-127.0.0.1:4343}
cat <<MSG

dinhd is starting on $LISTEN with its data in $DATA (Ctrl-C stops it).
Talk to it from another terminal, as root, on this machine:

    $(pwd)/clients/dinh --data-dir $DATA whoami
    $(pwd)/clients/dinh --data-dir $DATA user add "Nguyễn Văn An" --roles clerk

MSG
if [ "$demo" = 0 ]; then
	exec server/dinhd -d --data-dir "$DATA" --listen "$LISTEN"
fi
rm -f "$DATA/dinhd.addr"
server/dinhd -d --data-dir "$DATA" --listen "$LISTEN" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' INT TERM
i=0
while ! grep -q ':' "$DATA/dinhd.addr" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 $pid 2>/dev/null; then
		echo "run.sh: dinhd did not start" >&2
		exit 1
	fi
	sleep 0.1
done
sh scripts/demo.sh "$DATA" "$(head -n 1 "$DATA/dinhd.addr")" || {
	kill -TERM $pid
	exit 1
}
wait $pid
