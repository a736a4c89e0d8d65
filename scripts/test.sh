#!/bin/sh
# One command: install what is missing, build with warnings as errors, and run
# the whole test suite (unit, codec fuzz-corpus replay, integration over TLS).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
# The shared test corpus (PDFs made by others) lives beside the project;
# from a clone elsewhere, find it and say where.
if [ -z "${DINH_CORPUS:-}" ]; then
	for d in ../shared ../../shared ../../../shared /work/shared; do
		if [ -d "$d/corpus/structure" ]; then
			DINH_CORPUS=$(cd "$d/corpus" && pwd)
			export DINH_CORPUS
			break
		fi
	done
fi
sh scripts/build.sh --enable-werror
make -j"$(nproc)" check
