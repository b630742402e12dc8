#!/usr/bin/env bash
# Cargo's runner for the wasm32 test binaries: wasm-bindgen-test-runner, with two guards for the
# browser suites against a lost connection in the runner's own web server.
#
# Why: the runner serves the test page from tiny_http 0.12, whose thread pool can lose a wake-up
# when several connections arrive at once (Chromium fetches the JS snippets in parallel): a new
# connection is queued with `notify_one` while every thread counted as waiting was already
# woken, so it waits until some thread finishes a task, and Chromium keeps its other
# connections open. Its request then sits unread in the socket (seen with `ss -tn`: 592 bytes
# in the runner's Recv-Q for `/snippets/.../codes.js`), the page never loads, and the runner
# waits out its whole 300 s page-load timeout before failing without running a test.
#
# 1. The nudge: the server is put on a known port (WASM_BINDGEN_TEST_ADDRESS), and while the
#    suite runs, a connection is opened and closed there twice a second. Each one makes the pool
#    wake a thread (or start one), which takes the oldest queued connection first: a lost
#    connection is served within half a second instead of never.
# 2. The watchdog, in case that ever falls short: if the harness has not printed `running N
#    tests` within WASM_TEST_START_WAIT seconds (60), the page never loaded; that run (the
#    runner, chromedriver and Chromium) is stopped and started again, three times at most.
#
# A run that started is never retried: its result stands, pass or fail.
set -uo pipefail

wasm=$1
case "$wasm" in
  *wasm_browser*) ;;
  *) exec wasm-bindgen-test-runner "$@" ;;
esac

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_s=${WASM_TEST_START_WAIT:-60}
for attempt in 1 2 3; do
  log=$(mktemp)
  port=$(free_port)
  WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:$port setsid wasm-bindgen-test-runner "$@" >"$log" 2>&1 &
  pid=$!
  (
    while kill -0 "$pid" 2>/dev/null; do
      { exec 3<>"/dev/tcp/127.0.0.1/$port" && exec 3>&-; } 2>/dev/null
      sleep 0.5
    done
  ) &
  nudger=$!
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
    wait "$nudger" 2>/dev/null
    rm -f "$log"
    continue
  fi
  # Started (or ended early on its own): stream the rest and keep its exit code.
  tail -n +1 -f --pid="$pid" "$log"
  wait "$pid"
  rc=$?
  wait "$nudger" 2>/dev/null
  rm -f "$log"
  exit "$rc"
done
echo "wasm-test-runner: the test page never loaded in 3 attempts" >&2
exit 1
