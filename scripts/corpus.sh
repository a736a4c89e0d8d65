#!/bin/sh
# Prints the directory of the shared test corpus (PDFs made by others), if
# it can be found: $DINH_CORPUS; else shared/corpus beside the project or
# one of its parents; else, for a clone of a local repository, beside the
# repository it was cloned from.  Prints nothing when there is none.
cd "$(dirname "$0")/.."
if [ -n "${DINH_CORPUS:-}" ]; then
	echo "$DINH_CORPUS"
	exit 0
fi
origin=$(git config --get remote.origin.url 2>/dev/null || true)
for d in .. ../.. ../../.. "$origin/.." "$origin/../.."; do
	if [ -d "$d/shared/corpus/structure" ]; then
		(cd "$d/shared/corpus" && pwd)
		exit 0
	fi
done
