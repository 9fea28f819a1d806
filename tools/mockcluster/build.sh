#!/bin/sh
# Builds tools/mockcluster/kspec-mock.c into OUTPUT (a file path; the repository is left untouched).
# Needs librdkafka-dev (its rdkafka_mock.h), a C compiler and pkg-config:
#   apt-get install -y librdkafka-dev gcc pkg-config
set -eu
out="${1:?usage: build.sh OUTPUT}"
src="$(cd "$(dirname "$0")" && pwd)/kspec-mock.c"
if ! pkg-config --exists rdkafka 2>/dev/null; then
  echo "librdkafka-dev not found (pkg-config rdkafka): apt-get install -y librdkafka-dev gcc pkg-config" >&2
  exit 1
fi
${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -o "$out" "$src" $(pkg-config --cflags --libs rdkafka)
