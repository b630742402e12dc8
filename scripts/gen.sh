#!/usr/bin/env bash
# Writes the files generated from the crate's tables (error kinds, option tables): the error
# classes (src/js/gen/errors.js), their declarations and the option interfaces
# (src/js/gen/*.d.ts) and the CLI's tables (packaging/cli-tables.json). Run it after changing
# core::error::ErrorKind or core::options. `--check` writes nothing and fails when a file is
# stale (the test command runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo run --quiet --example tables | node scripts/gen.mjs "$@"
