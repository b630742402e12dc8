# Sourced by the other scripts: start_mock starts the Rust mock on a free port of 127.0.0.1,
# exports MOCK_URL and MOCK_PID, and arranges for it to be stopped by pid when the shell exits.
MOCK_BIN=$(realpath -m "${CARGO_TARGET_DIR:-target}/release/baseten-mock")

build_mock() {
  cargo build --quiet --release -p baseten-mock
}

start_mock() {
  local log
  log=$(mktemp -t baseten-mock.XXXXXX)
  "$MOCK_BIN" --port 0 "$@" >"$log" 2>&1 &
  MOCK_PID=$!
  trap 'stop_mock' EXIT
  for _ in $(seq 1 100); do
    MOCK_URL=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$MOCK_URL" ] && break
    if ! kill -0 "$MOCK_PID" 2>/dev/null; then
      echo "the mock server exited:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.1
  done
  [ -n "$MOCK_URL" ] || { echo "the mock server did not start" >&2; cat "$log" >&2; return 1; }
  export MOCK_URL MOCK_PID
}

stop_mock() {
  if [ -n "${MOCK_PID:-}" ] && kill -0 "$MOCK_PID" 2>/dev/null; then
    kill "$MOCK_PID" 2>/dev/null || true
    wait "$MOCK_PID" 2>/dev/null || true
  fi
}
