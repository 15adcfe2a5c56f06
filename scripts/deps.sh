#!/bin/sh
# Installs the Debian/Ubuntu packages the Fyne build and the HQ tests on
# PostgreSQL (internal/pgtest) need, when they are missing.
# As root it runs apt-get; otherwise it prints the one line to run.
set -e
pkgs="gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev postgresql-15 postgresql-client-15"
[ -n "$EXTRA_PKGS" ] && pkgs="$pkgs $EXTRA_PKGS"
command -v dpkg-query >/dev/null 2>&1 || exit 0 # not Debian-like: the user knows their system
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || true # a stale or missing package list must not block the install
	apt-get install -y -qq $missing >/dev/null
else
	echo "missing system packages; run:" >&2
	echo "  sudo apt-get install -y$missing" >&2
	exit 1
fi
