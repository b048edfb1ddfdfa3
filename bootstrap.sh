#!/bin/sh
# Prepares a fresh checkout: installs the Debian packages drconsole needs to be
# built and tested (when run as root or with sudo), then generates ./configure.
# Safe to run any number of times.
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake autoconf-archive libtool pkg-config
libncurses-dev libpq-dev libyaml-dev libssh-dev libcmocka-dev libjansson-dev
libssl-dev postgresql postgresql-client openssh-server openssh-client tmux clang jq
tzdata tcsh fish"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
fi

if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
	else
		echo "bootstrap.sh: missing packages:$missing" >&2
		echo "bootstrap.sh: install them as root (apt-get install$missing), then run me again" >&2
		exit 1
	fi
	echo "bootstrap.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
	# The package scripts must not start system-wide services on our behalf.
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing
fi

autoreconf -fi
echo "bootstrap.sh: done; now run ./configure"
