#!/usr/bin/env bash
# Runs every test of baseten-edge, installing what is missing first (idempotent):
# formatting and lints (host and wasm32), host tests (core and mock), the fuzz and differential
# runs of the SSE decoder and the Responses stream, wasm tests in Node and headless Chromium
# against the mock (the fault matrix included), the Node tests of the built package, the
# playground end to end in Chromium, the packed tarball installed in throwaway projects for every
# runtime, and a newcomer's first hour on a clean clone (tests/newcomer/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SETUP_TEST_DEPS=1 scripts/setup.sh

step() { printf '\n==== %s\n' "$*"; }

step "format and lints"
cargo fmt --all -- --check
# The Rust/JS boundary: no JavaScript in Rust strings; the snippets type-check (tsc --strict,
# checkJs); the files generated from the crate's tables are fresh.
scripts/check-boundary.sh
node_modules/.bin/tsc -p .
node_modules/.bin/tsc -p packaging
scripts/gen.sh --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
BASETEN_MOCK_URL=http://127.0.0.1:9 \
  cargo clippy --quiet --lib --tests --target wasm32-unknown-unknown -- -D warnings
# The chat build (baseten-edge/chat): the same lints without the `full` feature.
cargo clippy --quiet -p baseten-edge --all-targets --no-default-features -- -D warnings
BASETEN_MOCK_URL=http://127.0.0.1:9 cargo clippy --quiet --lib --tests \
  --target wasm32-unknown-unknown --no-default-features -- -D warnings

step "host tests (src/core, mock; and the chat build's)"
cargo test --workspace
cargo test --quiet -p baseten-edge --no-default-features

step "SSE decoder: differential test against eventsource-parser"
cargo build --quiet --example sse_dump
SSE_DUMP=${CARGO_TARGET_DIR:-target}/debug/examples/sse_dump node tests/differential/diff.mjs --n 2000

step "Responses stream: differential test against a JavaScript reference"
cargo build --quiet --example responses_dump
node tests/differential/responses.mjs --bin "${CARGO_TARGET_DIR:-target}/debug/examples/responses_dump" --n 1000

step "fuzzing the decoders (bounded)"
scripts/fuzz.sh "${FUZZ_SECONDS:-30}"

step "build the mock and the package"
source scripts/mock.sh
build_mock
scripts/build.sh
start_mock
echo "mock at $MOCK_URL (pid $MOCK_PID)"

step "wasm tests: Node and headless Chromium against the mock"
# The runner gives a headless browser run 20 s in all by default; the fault matrix alone waits
# out several retry delays (each of its rows is bounded on its own, 20 s).
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
BASETEN_MOCK_URL=$MOCK_URL CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$PWD/scripts/wasm-test-runner.sh \
  cargo test --target wasm32-unknown-unknown --test wasm_node --test wasm_browser
BASETEN_MOCK_URL=$MOCK_URL CHROMEDRIVER=/usr/bin/chromedriver \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$PWD/scripts/wasm-test-runner.sh \
  cargo test --target wasm32-unknown-unknown --test wasm_node --test wasm_browser --no-default-features

step "package tests: node --test against the mock"
node --test tests/node/
# chat and hardening again on the global fetch (the run above uses the Node transport, Node's default)
BASETEN_TEST_TRANSPORT=fetch node --test tests/node/chat.test.mjs tests/node/hardening.test.mjs

step "playground end to end in Chromium (Playwright)"
MOCK_BIN=$MOCK_BIN tests/e2e/run.sh

step "the packed tarball in Node, Deno, Bun, Vite, esbuild, webpack and workerd; the CLI; the worker"
MOCK_BIN=$MOCK_BIN tests/package/run.sh

step "a newcomer's first hour on a clean clone: play.sh, a chat in Chromium, the printed CLI commands, the Worker under wrangler dev"
tests/newcomer/run.sh

step "all tests passed"
