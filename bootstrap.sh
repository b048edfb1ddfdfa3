#!/bin/sh
# Prepares a fresh checkout: installs the Debian packages drconsole needs to be
# built and tested (when run as root or with sudo), then generates ./configure.
# Safe to run any number of times.
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake autoconf-archive libtool pkg-config
libncurses-dev libpq-dev libyaml-dev libssh-dev libcmocka-dev libjansson-dev
libssl-dev postgresql postgresql-client openssh-server openssh-client tmux clang jq
tzdata tcsh fish gettext autopoint locales"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
fi

# as_root WHAT HOW: sets SUDO to what runs a command as root, or says WHAT is
# missing and HOW to do it as root, and fails.
as_root() {
	if [ "$(id -u)" = 0 ]; then
		SUDO=""
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
	else
		echo "bootstrap.sh: missing $1" >&2
		echo "bootstrap.sh: as root: $2, then run me again" >&2
		exit 1
	fi
}

if [ -n "$missing" ]; then
	as_root "packages:$missing" "apt-get install$missing"
	echo "bootstrap.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
	# The package scripts must not start system-wide services on our behalf.
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing
fi

# The Korean interface's tests need the ko_KR.UTF-8 locale (Debian ships
# the locales package without generating it).
if ! locale -a 2>/dev/null | grep -qix 'ko_KR\.utf-\?8'; then
	as_root "the ko_KR.UTF-8 locale" "localedef -i ko_KR -f UTF-8 ko_KR.UTF-8"
	echo "bootstrap.sh: generating the ko_KR.UTF-8 locale"
	$SUDO localedef -i ko_KR -f UTF-8 ko_KR.UTF-8
fi

# autoreconf runs autopoint, which copies gettext's po/ machinery and m4 files.
autoreconf -fi
echo "bootstrap.sh: done; now run ./configure"
