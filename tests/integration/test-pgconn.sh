#!/bin/sh
# core/pgconn.c against a lab of its own (port base 25800).
exec "$(dirname "$0")/lab-run.sh" 25800 "${TOP_BUILDDIR:-.}/tests/integration/test_pgconn"
