#!/usr/bin/env bash
# What a new user does in the first hour, on a clean clone, following the README alone:
#   1. the README's main command, scripts/play.sh, in the background; wait for its addresses;
#   2. one chat in Chromium through the page it serves;
#   3. the CLI and curl commands that play.sh printed, as printed;
#   4. the Worker under `wrangler dev` in front of the mock (`npm install`, then
#      `MOCK_URL=... npm run dev:mock`, as examples/worker/README.md says), with a streamed chat
#      through it and an async result stored in its local KV;
#   5. everything stopped by PID (process groups, so wrangler's and play.sh's children too).
# Run by scripts/test.sh after the other suites (it reuses their build outputs through
# CARGO_TARGET_DIR, so the clone's builds take seconds, not minutes). NEWCOMER_KEEP=1 keeps the clone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
case $CARGO_TARGET_DIR in /*) ;; *) CARGO_TARGET_DIR=$root/$CARGO_TARGET_DIR ;; esac
work=$(mktemp -d /tmp/newcomer.XXXXXX)
pids=()
say() { printf '[newcomer] %s\n' "$*" >&2; }
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  [ "${NEWCOMER_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { say "FAILED: $*"; for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -40 "$f"; }; done >&2; exit 1; }
# `wait_for FILE REGEX SECONDS`: the first match of REGEX in FILE, once it appears.
wait_for() {
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    if grep -Eo "$2" "$1" 2>/dev/null | head -1 | grep .; then return 0; fi
    sleep 0.5
  done
  return 1
}
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

say "a clean clone of $root"
git clone -q "$root" "$work/repo"
cd "$work/repo"

say "1. the README's main command: scripts/play.sh"
port=$(free_port)
PORT=$port setsid scripts/play.sh >"$work/play.log" 2>&1 &
pids+=($!)
page=$(wait_for "$work/play.log" 'playground on http://127\.0\.0\.1:[0-9]+/' 600 | sed 's/^playground on //') ||
  fail "play.sh printed no playground address in 10 minutes"
mock=$(grep -Eo 'the mock model server is at http://127\.0\.0\.1:[0-9]+' "$work/play.log" | head -1 | sed 's/.* at //')
[ -n "$mock" ] || fail "play.sh did not print the mock's address"
grep -q 'its API key is test-key' "$work/play.log" || fail "play.sh did not print the mock's key"
say "   the page is at $page, the mock at $mock"

say "2. one chat in Chromium through the page"
node "$here/chat.mjs" "$page" >"$work/chat.log" 2>&1 || fail "the chat in Chromium"
cat "$work/chat.log" >&2

say "3. the commands play.sh printed"
# The indented lines after "try it from a terminal", joined where they end in a backslash.
awk '/try it from a terminal/ { on = 1; next } on && /^  / { print; next } on { exit }' "$work/play.log" |
  sed -e 's/^  //' | awk '{ if (sub(/\\$/, "")) { buf = buf $0 } else { print buf $0; buf = "" } }' >"$work/commands.sh"
[ "$(grep -c . "$work/commands.sh")" -ge 3 ] || fail "play.sh printed fewer than three commands"
n=0
while IFS= read -r cmd; do
  n=$((n + 1))
  say "   \$ $cmd"
  out=$(bash -c "$cmd" 2>&1) || fail "command $n exited with an error: $out"
  printf '%s\n' "$out" | head -c 600 >&2
  echo >&2
  case $cmd in
    *" predict "*) grep -q '"prompt"' <<<"$out" || fail "predict did not echo its input" ;;
    *" chat "*) grep -q 'Hello there' <<<"$out" || fail "chat did not answer" ;;
    curl*) grep -q '"chat.completion"' <<<"$out" || fail "curl did not get a chat completion" ;;
  esac
done <"$work/commands.sh"

say "4. the Worker: npm install, then npm run dev:mock"
(cd examples/worker && npm install --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1 || fail "npm install in examples/worker"
wport=$(free_port)
# The playground's own origin is allowed too (the README's `ALLOWED_ORIGINS=... npm run dev:mock`),
# for its WebSocket panel through the Worker.
page_origin=$(node -e 'console.log(new URL(process.argv[1]).origin)' "$page")
MOCK_URL=$mock PORT=$wport ALLOWED_ORIGINS="$page_origin,http://127.0.0.1:8080" \
  setsid bash -c 'cd examples/worker && exec npm run dev:mock' >"$work/wrangler.log" 2>&1 &
pids+=($!)
worker=http://127.0.0.1:$wport
wait_for "$work/wrangler.log" 'Ready on http://127\.0\.0\.1:[0-9]+' 120 >/dev/null || fail "wrangler dev did not start"
node "$here/worker.mjs" "$worker" "$page" >"$work/worker-check.log" 2>&1 || fail "the Worker in front of the mock"
cat "$work/worker-check.log" >&2
node "$here/ws-panel.mjs" "$page" "$worker" >"$work/ws-panel.log" 2>&1 || { cat "$work/ws-panel.log" >&2; fail "the playground's WebSocket panel through the Worker"; }
cat "$work/ws-panel.log" >&2
# Open (no PROXY_AUTH_SECRET under dev:mock): it warned once, not once per request.
[ "$(grep -c 'PROXY_AUTH_SECRET is not set' "$work/wrangler.log")" = 1 ] || fail "the Worker did not warn exactly once that it is open"

say "5. stopping everything by PID"
cleanup
trap - EXIT
for pid in "${pids[@]}"; do
  if kill -0 "$pid" 2>/dev/null; then say "process $pid is still running"; exit 1; fi
done
echo "newcomer: 5 passed, 0 failed"
