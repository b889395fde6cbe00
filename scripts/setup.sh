#!/usr/bin/env bash
# Installs what Cairn needs to build and run on Debian: the Swift toolchain must already be there;
# PostgreSQL's server, OpenSSL's, zstd's and libdeflate's headers, pkg-config and Chart.js come from apt when missing
# (with --browser also chromium and chromium-driver, for the console's tests).
set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need_packages=()
command -v pkg-config >/dev/null 2>&1 || need_packages+=(pkg-config)
pkg-config --exists libcrypto 2>/dev/null || need_packages+=(libssl-dev)
[ -f /usr/include/zstd.h ] || need_packages+=(libzstd-dev)
[ -f /usr/include/libdeflate.h ] || need_packages+=(libdeflate-dev)
[ -f /usr/include/zlib.h ] || need_packages+=(zlib1g-dev)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v pg_config >/dev/null 2>&1; then
    need_packages+=(postgresql)
fi
command -v runuser >/dev/null 2>&1 || [ -x /usr/sbin/runuser ] || need_packages+=(util-linux)
# Tests and benchmarks: psql to inspect the database, the zstd CLI for the plain-zstd baseline.
command -v psql >/dev/null 2>&1 || need_packages+=(postgresql-client)
command -v zstd >/dev/null 2>&1 || need_packages+=(zstd)
# The web console's charts: Chart.js, which cairn serves from the system path.
[ -d /usr/share/javascript/chart.js ] || need_packages+=(libjs-chart.js)
# With --browser (the test command): Debian's chromium and chromium-driver, for the console's browser tests.
if [ "${1:-}" = "--browser" ]; then
    command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || need_packages+=(chromium-driver)
fi

if [ ${#need_packages[@]} -gt 0 ]; then
    say "installing Debian packages: ${need_packages[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_packages[@]}"
else
    say "Debian packages present (pkg-config, libssl-dev, libzstd-dev, libdeflate-dev, PostgreSQL server and client, zstd, libjs-chart.js)"
fi

command -v swift >/dev/null 2>&1 || { echo "Swift 6 is required (swift not on PATH)" >&2; exit 1; }
