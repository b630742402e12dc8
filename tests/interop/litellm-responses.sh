#!/usr/bin/env bash
# Live interop: records every Responses capture afresh from LiteLLM (bridging onto the mock) and
# LLMock into a temporary folder, then runs the host capture checks on those bytes against the
# committed expected.json. Not part of scripts/test.sh: it installs litellm[proxy] and llmock
# from PyPI into INTEROP_VENV on first use (~1.5 min), then takes ~35 s to record plus the test.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d -t responses-captures.XXXXXX)
tests/interop/record-responses.sh "$out"
cp tests/fixtures/responses/expected.json "$out/"
RESPONSES_CAPTURES=$out cargo test --test host_responses_captures
rm -rf "$out"
