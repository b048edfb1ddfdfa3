# The Korean catalog for tests, found in the build tree without installing:
# po/ko.gmo (built by make in po/, in the source tree for a checkout or an
# unpacked tarball) is laid out as LOCALEDIR/ko/LC_MESSAGES/drconsole.mo
# under a scratch folder, and DRCONSOLE_LOCALEDIR points drconsole there.
# shellcheck shell=sh

# i18n_catalog DIR: lays the catalog out under DIR and exports DRCONSOLE_LOCALEDIR; fails without one.
i18n_catalog() {
	for gmo in "${TOP_BUILDDIR:-.}/po/ko.gmo" "${TOP_SRCDIR:-.}/po/ko.gmo"; do
		if [ -f "$gmo" ]; then
			mkdir -p "$1/ko/LC_MESSAGES" && cp "$gmo" "$1/ko/LC_MESSAGES/drconsole.mo" || return 1
			DRCONSOLE_LOCALEDIR=$1
			export DRCONSOLE_LOCALEDIR
			return 0
		fi
	done
	echo "no po/ko.gmo in the build or source tree: run make first" >&2
	return 1
}

# i18n_ko_locale: tells whether the ko_KR.UTF-8 locale is installed (bootstrap.sh generates it).
i18n_ko_locale() {
	locale -a 2>/dev/null | grep -qix 'ko_KR\.utf-\?8'
}
