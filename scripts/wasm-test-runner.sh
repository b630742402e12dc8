#!/usr/bin/env bash
# Cargo's runner for the wasm32 test binaries: wasm-bindgen-test-runner, with a watchdog for the
# browser suites.
#
# Why: the runner serves the test page from tiny_http 0.12, whose thread pool can lose a wake-up
# when several connections arrive at once (Chromium fetches the JS snippets in parallel). The
# connection it lost is never read: its request sits in the socket's queue (seen with `ss -tn`:
# 592 bytes in the runner's Recv-Q for `/snippets/.../codes.js`), the page never loads, and the
# runner waits out its whole 300 s page-load timeout before failing without running a test.
#
# So for a browser suite: if the harness has not printed `running N tests` within
# WASM_TEST_START_WAIT seconds (60), the page never loaded; stop that run (the runner,
# chromedriver and Chromium) and start again, three times at most. A run that started is never
# retried: its result stands, pass or fail.
set -uo pipefail

wasm=$1
case "$wasm" in
  *wasm_browser*) ;;
  *) exec wasm-bindgen-test-runner "$@" ;;
esac

wait_s=${WASM_TEST_START_WAIT:-60}
for attempt in 1 2 3; do
  log=$(mktemp)
  setsid wasm-bindgen-test-runner "$@" >"$log" 2>&1 &
  pid=$!
  started=
  for _ in $(seq 1 "$wait_s"); do
    if grep -qE '^running [0-9]+ tests?' "$log"; then started=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if [ -z "$started" ] && kill -0 "$pid" 2>/dev/null; then
    echo "wasm-test-runner: the test page did not load within ${wait_s}s (attempt $attempt of 3); output so far:" >&2
    sed 's/^/  | /' "$log" >&2
    kill -TERM -- "-$pid" 2>/dev/null
    sleep 2
    kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$log"
    continue
  fi
  # Started (or ended early on its own): stream the rest and keep its exit code.
  tail -n +1 -f --pid="$pid" "$log"
  wait "$pid"
  rc=$?
  rm -f "$log"
  exit "$rc"
done
echo "wasm-test-runner: the test page never loaded in 3 attempts" >&2
exit 1
