# What the command-line tests of run journals share (check-journal.sh,
# check-report.sh): building a journal by hand as a console writes it, each
# record chained to the line before by its SHA-256, and its head file.
# shellcheck shell=sh

# Prints the SHA-256 of the last line of FILE (its newline left out), 64 zeros when it is empty.
last_hash() {
	if [ -s "$1" ]; then
		tail -n 1 "$1" | tr -d '\n' | sha256sum | cut -c1-64
	else
		printf '%064d\n' 0
	fi
}

# Writes the head file of the journal FILE as a console does: its record count and last hash.
head_of() {
	printf '{"records":%d,"last_hash":"%s"}\n' "$(wc -l <"$1")" "$(last_hash "$1")" \
		>"${1%.jsonl}.head"
}

# record FILE TYPE DATA: appends a record chained to the last line of FILE, a second after
# 07:00 for each line (the first at 07:00:01).
record() {
	n=$(($(wc -l <"$1") + 1))
	printf '{"seq":%d,"ts":"2026-11-27T07:%02d:%02d.000Z","type":"%s","prev":"%s","data":%s}\n' \
		"$n" $((n / 60)) $((n % 60)) "$2" "$(last_hash "$1")" "$3" >>"$1"
}

# hold_lock STATE_DIR RUN: holds the jump-host run lock naming RUN in STATE_DIR/locks as a
# console holds it during a run (its owner this shell's pid and host), from a process started
# here whose pid is left in $holder (kill it to let the lock go).
hold_lock() {
	lock="$1/locks/datacenter-2.lock"
	printf '{"operator":"kim","host":"%s","pid":%d,"started":"2026-11-27T07:00:00.000Z","run":"%s"}\n' \
		"$(uname -n)" $$ "$2" >"$lock"
	rm -f "$1/held"
	(flock -n 9 && : >"$1/held" && exec sleep 60) 9<"$lock" &
	holder=$!
	while [ ! -e "$1/held" ] && kill -0 "$holder" 2>/dev/null; do sleep 0.05; done
}
