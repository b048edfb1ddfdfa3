#!/bin/sh
# Stands in for the unit tests when configure ran --without-cmocka: "make
# check" must not pass without them.
echo "ERROR: configured --without-cmocka: the unit tests were not built."
echo "Install cmocka (libcmocka-dev) and run ./configure again."
exit 99
