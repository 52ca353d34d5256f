#!/usr/bin/env bash
# The whole test suite: unit, scenario, property, golden and acceptance tests of every crate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# The acceptance tests run the real binary; build it first.
cargo build -p api --bin workforce
cargo test --workspace
