#!/bin/sh
# One command: install what is missing, build with warnings as errors, and run
# the whole test suite (unit, codec fuzz-corpus replay, integration over TLS).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
# The shared test corpus (PDFs made by others), wherever the clone is.
DINH_CORPUS=$(sh scripts/corpus.sh)
export DINH_CORPUS
sh scripts/build.sh --enable-werror
make -j"$(nproc)" check
