#!/bin/sh
# One command: install what is missing, build, and run dinhd in the foreground
# on its embedded default (data directory /var/lib/dinh unless DINH_DATA_DIR is
# set; listening on 127.0.0.1:4343 unless DINH_LISTEN is set).
set -eu
cd "$(dirname "$0")/.."
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
exec server/dinhd -d --data-dir "$DATA" --listen "$LISTEN"
