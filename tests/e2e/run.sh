#!/usr/bin/env bash
# The playground's end-to-end tests (tests/e2e/*.test.mjs, one file per panel or concern, their
# shared setup in helpers.mjs): installs this folder's npm dependencies if missing
# (playwright-core, pinned, no browser is downloaded; ws for the proxy stand-in's WebSockets) and runs the node:test files one after
# the other (each starts its own mock, server and Debian's Chromium), against the mock model server.
# Assumes pkg/ is built (scripts/build.sh) and the mock too (cargo build --release -p
# baseten-mock). MOCK_BIN or CARGO_TARGET_DIR point at another build; CHROMIUM at another browser.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

target_dir=${CARGO_TARGET_DIR:-$root/target}
mock_bin=$(abs "${MOCK_BIN:-$(abs "$target_dir")/release/baseten-mock}")
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -f "$root/pkg/web/baseten_edge.js" ] || { echo "pkg/ is not built: run scripts/build.sh" >&2; exit 1; }
[ -x "$mock_bin" ] || { echo "no mock binary at $mock_bin: cargo build --release -p baseten-mock" >&2; exit 1; }
[ -x "$chromium" ] || { echo "no Chromium at $chromium: scripts/setup.sh installs it" >&2; exit 1; }

cd "$here"
installed=$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch { "" }')
wanted=$(node -p 'require("./package.json").devDependencies["playwright-core"]')
if [ "$installed" != "$wanted" ] || [ ! -d node_modules/ws ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p "$root/tests/artifacts"
export MOCK_BIN=$mock_bin CHROMIUM=$chromium
exec node --test --test-reporter=spec --test-concurrency=1 ./*.test.mjs
