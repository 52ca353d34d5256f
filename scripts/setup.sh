#!/usr/bin/env bash
# Installs what the build needs that a fresh machine may lack: HiGHS is compiled from
# source by the highs-sys crate, which needs cmake, a C++ compiler and libclang (bindgen);
# the browser test drives headless Chromium through chromedriver (Debian's chromium and
# chromium-driver); the storage tests run on PostgreSQL too (Debian's postgresql).
# The browser packages are only wanted for the tests: `setup.sh --test` (scripts/test.sh).
# As root it uses apt-get; otherwise it names the packages to install and stops.
set -euo pipefail

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v c++ >/dev/null 2>&1 || need+=(g++)
# bindgen loads libclang.so at build time.
if ! compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null && ! compgen -G '/usr/lib/*/libclang-[0-9]*.so*' >/dev/null; then
  need+=(libclang-dev)
fi

if [ "${1:-}" = "--test" ]; then
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium chromium-driver)
  # A Chinese font, so the browser test's screenshots of the Chinese pages can be read.
  compgen -G '/usr/share/fonts/truetype/wqy/*' >/dev/null || need+=(fonts-wqy-microhei)
  # The storage tests also run on PostgreSQL (scripts/postgres.sh starts a throwaway server).
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${need[*]} (needed to build HiGHS and to run the browser test)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "setup: missing build tools: ${need[*]}" >&2
  echo "setup: install them first, e.g.: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
