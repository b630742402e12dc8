#!/usr/bin/env bash
# The main job: builds the package, starts the built-in mock model server on 127.0.0.1 and
# serves the playground (www/) at the address it prints. Installs what is missing first.
# PORT=8080 by default; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SKIP_BROWSER=1 scripts/setup.sh
source scripts/mock.sh
build_mock
scripts/build.sh
start_mock
node scripts/serve.mjs --port "${PORT:-8080}" --mock "$MOCK_URL" &
SERVE_PID=$!
trap 'kill $SERVE_PID 2>/dev/null; stop_mock' EXIT INT TERM
wait "$SERVE_PID"
