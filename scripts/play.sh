#!/usr/bin/env bash
# The main job: builds the package, starts the built-in mock model server on 127.0.0.1 and
# serves the playground (www/) at the address it prints. Installs what is missing first.
# PORT=8080 by default; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '[play] %s\n' "$*" >&2; }
SKIP_BROWSER=1 scripts/setup.sh
source scripts/mock.sh
say "building the mock model server (Rust, release): a few minutes the first time, seconds after"
build_mock
say "building the package (the wasm twice, full and chat builds, and its glue): about a minute the first time"
scripts/build.sh
start_mock
cat >&2 <<EOT
[play] the mock model server is at $MOCK_URL; its API key is test-key (mock/README.md).
[play] try it from a terminal too:
  BASETEN_API_KEY=test-key node pkg/cli.mjs predict --base-url $MOCK_URL '{"prompt":"hi"}'
  BASETEN_API_KEY=test-key node pkg/cli.mjs chat --base-url $MOCK_URL "Hello there"
  curl -s $MOCK_URL/v1/chat/completions -H 'Authorization: Bearer test-key' \\
    -H 'Content-Type: application/json' -d '{"model":"mock","messages":[{"role":"user","content":"hi"}]}'
EOT
node scripts/serve.mjs --port "${PORT:-8080}" --mock "$MOCK_URL" &
SERVE_PID=$!
trap 'kill $SERVE_PID 2>/dev/null; stop_mock' EXIT INT TERM
wait "$SERVE_PID"
