#!/bin/sh
# Builds dinh in the source tree (./configure with the given arguments).
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || ./autogen.sh >/dev/null
./configure -q "$@"
make -j"$(nproc)" >/dev/null
