#!/usr/bin/env bash
# The package tests: packs pkg/ and installs the tarball into throwaway projects (in a temp dir)
# to run it in Node (ESM and CommonJS), Deno, Bun, Chromium (a Vite build, the Vite dev server,
# an esbuild bundle, no bundler), workerd (wrangler + Miniflare), plus the type check, the
# examples/worker proxy and the CLI, all against the mock server. Installs what is missing first
# (idempotent): tests/package's npm dependencies (npm ci), Chromium, the mock binary, pkg/.
#
#   tests/package/run.sh [test files...]      (default: every *.test.mjs here)
#
# Environment: MOCK_BIN (the mock binary; default $CARGO_TARGET_DIR/release/baseten-mock),
# BASETEN_EDGE_TARBALL (test this tarball instead of packing pkg/), KEEP_TMP=1 (keep the
# throwaway projects), TEST_CONCURRENCY (test files run at once; default 3).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$HERE"
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '[package-tests] %s\n' "$*" >&2; }
started=$(date +%s)

# npm dependencies of the tests, pinned by package-lock.json (the npm cache they leave behind
# also serves the throwaway projects' installs of vite, esbuild and @types/node).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci in tests/package"
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! command -v chromium >/dev/null; then
  log "installing Debian's chromium (the browser tests never download one)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

export MOCK_BIN=${MOCK_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/baseten-mock}
if [ ! -x "$MOCK_BIN" ]; then
  log "building the mock server"
  (cd "$ROOT" && cargo build --quiet --release -p baseten-mock)
fi

if [ ! -f "$ROOT/pkg/package.json" ]; then
  log "building pkg/"
  "$ROOT/scripts/build.sh"
fi

work=$(mktemp -d -t baseten-edge-package-tests.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ -z "${BASETEN_EDGE_TARBALL:-}" ]; then
  # The tarball a user makes with the README's scripts/pack.sh (of the pkg/ just built).
  BASETEN_EDGE_TARBALL=$("$ROOT/scripts/pack.sh" --no-build)
  [ -f "$BASETEN_EDGE_TARBALL" ] || { echo "scripts/pack.sh printed no tarball path" >&2; exit 1; }
  export BASETEN_EDGE_TARBALL
fi
log "testing $(basename "$BASETEN_EDGE_TARBALL") ($(wc -c < "$BASETEN_EDGE_TARBALL") bytes)"

export WRANGLER_SEND_METRICS=false DO_NOT_TRACK=1 NO_UPDATE_NOTIFIER=1 npm_config_update_notifier=false
if [ $# -eq 0 ]; then set -- *.test.mjs; fi
status=0
timeout --kill-after=10 900 node --test --test-concurrency="${TEST_CONCURRENCY:-3}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./lib/summary-reporter.mjs --test-reporter-destination=stdout \
  "$@" || status=$?
log "done in $(( $(date +%s) - started )) s"
exit $status
