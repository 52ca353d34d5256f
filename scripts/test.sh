#!/usr/bin/env bash
# The whole test suite: unit, scenario, property, golden and acceptance tests of every crate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# The storage tests and the web acceptance tests run on SQLite and on PostgreSQL: a
# throwaway server for the run (scripts/postgres.sh), stopped at the end. Without one they
# run on SQLite only, except in CI, where PostgreSQL is required.
if [ -z "${WORKFORCE_TEST_POSTGRES:-}" ]; then
  if started="$(bash scripts/postgres.sh start)"; then
    eval "$started"
    trap 'bash scripts/postgres.sh stop' EXIT
  elif [ -n "${CI:-}" ]; then
    echo "test.sh: CI needs PostgreSQL for the storage tests (scripts/postgres.sh start failed)" >&2
    exit 1
  else
    echo "test.sh: no PostgreSQL server: the storage tests run on SQLite only" >&2
  fi
fi
# The acceptance tests run the real binary; build it first — with every target of the
# workspace, so that the binary and the tests resolve the dependencies' features alike and
# HiGHS (C++, ~15 minutes on 2 cores) is compiled once, not once for `-p api` and again for
# the workspace's tests.
cargo build --workspace --all-targets
cargo test --workspace
