#!/bin/sh
# Installs the Debian 12 packages dinh builds and tests with, if any is
# missing.  Needs root (apt-get).  Safe to run again: it does nothing when
# everything is there.
set -eu

BUILD="build-essential autoconf automake libtool pkg-config gettext git"
LIBS="libgnutls28-dev libxml2-dev libglib2.0-dev libpoppler-glib-dev libgit2-dev libsqlite3-dev zlib1g-dev check
	libcairo2-dev libpango1.0-dev libqrencode-dev libmicrohttpd-dev libgtk-3-dev"
FONTS="fonts-liberation2 fonts-dejavu-core"
TOOLS="gnutls-bin locales valgrind clang-format qpdf poppler-utils zbar-tools softhsm2 p11-kit libnss3-tools
	openssl curl chromium python3 xvfb xauth"
PKGS="$BUILD $LIBS $FONTS $TOOLS $*"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "dinh: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The Vietnamese locale, so that LANG=vi_VN.UTF-8 works for the CLI.
if ! locale -a 2>/dev/null | grep -qi '^vi_VN\.utf-\?8$'; then
	if [ -f /etc/locale.gen ]; then
		sed -i 's/^# *\(vi_VN.UTF-8 UTF-8\)/\1/' /etc/locale.gen
		grep -q '^vi_VN.UTF-8 UTF-8' /etc/locale.gen || echo 'vi_VN.UTF-8 UTF-8' >>/etc/locale.gen
		locale-gen >/dev/null
	fi
fi
