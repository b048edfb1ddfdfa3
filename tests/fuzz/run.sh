#!/bin/sh
# Runs one libFuzzer target for a while, seeded with every YAML file the
# project ships or tests with. Needs a build configured with
#   CC=clang ./configure --enable-fuzzing
# Usage: tests/fuzz/run.sh TARGET [SECONDS]   (TARGET: yaml_doc, conf, ...)
set -eu
target=$1
seconds=${2:-300}
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
bin="tests/fuzz/fuzz_$target"
[ -x "$bin" ] || { echo "$bin not built: configure with CC=clang --enable-fuzzing" >&2; exit 1; }
corpus="tests/fuzz/corpus-$target"
mkdir -p "$corpus"
for f in "$top_srcdir"/scenarios/*.yml "$top_srcdir"/scenarios/kubernetes/*.yml \
	"$top_srcdir"/layouts/*.yml "$top_srcdir"/tests/data/bad/*.yml \
	"$top_srcdir"/doc/drconsole.yml.example; do
	cp "$f" "$corpus/seed-$(basename "$f")"
done
exec "$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 "$corpus"
