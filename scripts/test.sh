#!/bin/sh
# One command: install what is missing, build with warnings as errors, and run
# the whole test suite (unit, codec fuzz-corpus replay, integration over TLS).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh --enable-werror
make -j"$(nproc)" check
