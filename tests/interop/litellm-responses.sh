#!/usr/bin/env bash
# Live interop: records every Responses capture afresh from LiteLLM (bridging onto the mock) and
# LLMock into a temporary folder, then runs the host capture checks on those bytes against the
# committed expected.json (its entries for the captures recorded: without REAL_MODEL=1 the
# llama.cpp ones are not). Not part of scripts/test.sh: it installs litellm[proxy] and llmock
# from PyPI into INTEROP_VENV on first use (~1.5 min), then takes ~35 s to record plus the test
# (REAL_MODEL=1: llama-cpp-python built once into LLAMA_VENV, ~15-30 min, then ~2 min more).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d -t responses-captures.XXXXXX)
tests/interop/record-responses.sh "$out"
python3 - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
want = json.load(open("tests/fixtures/responses/expected.json"))
names = {f[:-5] for f in os.listdir(out) if f.endswith(".http")}
json.dump({k: v for k, v in want.items() if k in names}, open(f"{out}/expected.json", "w"), indent=1)
EOF
RESPONSES_CAPTURES=$out cargo test --test host_responses_captures
rm -rf "$out"
