#!/usr/bin/env bash
# Fuzzes the sans-IO decoders (src/core/sse.rs, json.rs, chat_stream.rs, responses.rs) with cargo-fuzz:
# runs each target in fuzz/ for SECONDS seconds (default 60). Each target decodes its input
# whole and cut into pieces and fails on any panic or on any difference between the two.
#
#   scripts/fuzz.sh 60            # ~1 min to build the first time, then 4 x 60 s
#   scripts/fuzz.sh 30 json       # one target
#
# Stable Rust is enough: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly-only flags
# (-Zsanitizer=address). cargo-fuzz is installed if missing (about 30 s, once).
# Inputs the fuzzer finds interesting are kept in fuzz/corpus/, crashes in fuzz/artifacts/
# (both git-ignored); a crash is replayed with `RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(sse json chat_stream responses)
CARGO_FUZZ_VERSION=0.13.2

export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1
log() { printf '[fuzz] %s\n' "$*" >&2; }

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 30 s)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
for target in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  log "running $target for $SECS s"
  if ! cargo fuzz run "$target" "fuzz/corpus/$target" fuzz/seeds -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=4096 -dict=fuzz/fuzz.dict \
    -print_final_stats=1 >"$LOG" 2>&1; then
    tail -n 60 "$LOG" >&2
    log "$target FAILED: the input is in fuzz/artifacts/$target/"
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$LOG" >&2 || true
done
log "all targets ran ${SECS}s without a finding"
