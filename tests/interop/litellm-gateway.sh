#!/usr/bin/env bash
# Interop by hand (not in CI): a LiteLLM proxy (1.108.7, from PyPI into INTEROP_VENV) with
# `org/model` names in front of the proxy Worker (examples/worker under `wrangler dev`, with
# PROXY_AUTH_SECRET, MODELS and MAX_OUTPUT_TOKENS) in front of the repository's mock. LiteLLM holds
# proxy tokens the way it would hold any provider key (`openai/<org/model>`, api_base the Worker's
# /v1). Prints what each call gave and where the mock saw it go, and fails on a surprise.
#
#   tests/interop/litellm-gateway.sh          (needs pkg/ built and npm install in examples/worker)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
source scripts/mock.sh
source tests/interop/servers.sh
ensure_venv
build_mock
start_mock --quiet --token-rate 0
trap interop_cleanup EXIT
[ -x examples/worker/node_modules/.bin/wrangler ] || (cd examples/worker && npm install --no-audit --no-fund --loglevel=error)

SECRET=interop-$(python3 -c 'import secrets; print(secrets.token_hex(16))')
# mint SUB [MODELS_JSON]: a proxy token valid 10 min, made with the package's mintProxyToken
mint() {
  node --input-type=module -e "
    const { mintProxyToken } = await import('$ROOT/pkg/node.mjs');
    const models = process.argv[2] ? JSON.parse(process.argv[2]) : undefined;
    console.log(mintProxyToken({ sub: process.argv[1], exp: Math.floor(Date.now() / 1000) + 600, models }, '$SECRET'));
  " "$1" "${2:-}"
}
TOKEN=$(mint litellm)
SCOPED=$(mint litellm-scoped '["acme/fast"]')
FORGED=$(SECRET=not-the-workers mint litellm-forged)

# The Worker, under wrangler dev (the "mock" environment: its origins, its local rate limiter).
MODELS='{"acme/llama-3-70b":{"modelId":"abcd1234","environment":"staging","servedModelName":"llama-3-70b","fallbacks":["acme/fast"]},"acme/fast":{"modelId":"wxyz5678","deployment":"dep1"},"deepseek-ai/DeepSeek-V3.1":{"modelApis":true}}'
ENVFILE=$INTEROP_LOGS/worker.env
{
  echo "BASETEN_API_KEY=test-key"
  echo "BASETEN_BASE_URL=$MOCK_URL"
  echo "BASETEN_OPENAI_BASE_URL=$MOCK_URL/v1"
  echo "BASETEN_MODEL_APIS_BASE_URL=$MOCK_URL/v1"
  echo "PROXY_AUTH_SECRET=$SECRET"
  echo "MAX_OUTPUT_TOKENS=6"
  echo "MODELS='$MODELS'"
} >"$ENVFILE"
WPORT=$(free_port)
(cd examples/worker && WRANGLER_SEND_METRICS=false exec node_modules/.bin/wrangler dev --env mock --env-file "$ENVFILE" \
  --ip 127.0.0.1 --port "$WPORT" --show-interactive-dev-session=false) >"$INTEROP_LOGS/worker.log" 2>&1 &
INTEROP_PIDS+=($!)
WORKER=http://127.0.0.1:$WPORT
wait_http worker "$WORKER/health" $!

# LiteLLM: three org/model names on the Worker with the token, one with a token scoped to another
# model, one with a forged token.
CONFIG=$INTEROP_LOGS/litellm-gateway.yaml
{
  echo "litellm_settings: {num_retries: 0, drop_params: true}"
  echo "router_settings: {disable_cooldowns: true}"
  echo "model_list:"
  for m in acme/llama-3-70b acme/fast deepseek-ai/DeepSeek-V3.1; do
    echo "  - model_name: $m"
    echo "    litellm_params: {model: openai/$m, api_base: \"$WORKER/v1\", api_key: \"$TOKEN\"}"
  done
  echo "  - model_name: scoped/llama"
  echo "    litellm_params: {model: openai/acme/llama-3-70b, api_base: \"$WORKER/v1\", api_key: \"$SCOPED\"}"
  echo "  - model_name: forged/fast"
  echo "    litellm_params: {model: openai/acme/fast, api_base: \"$WORKER/v1\", api_key: \"$FORGED\"}"
} >"$CONFIG"
start_litellm "$CONFIG"

fails=0
# ask NAME STREAM: a chat through LiteLLM; prints the status and the text
ask() {
  local out status
  out=$(curl -s -w '\n%{http_code}' "$LITELLM_URL/v1/chat/completions" -H "authorization: Bearer $LITELLM_KEY" \
    -H 'content-type: application/json' \
    -d "{\"model\":\"$1\",\"messages\":[{\"role\":\"user\",\"content\":\"via litellm\"}],\"max_tokens\":50,\"stream\":$2}")
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  if [ "$2" = true ]; then
    out=$(printf '%s\n' "$out" | sed -n 's/^data: //p' | grep -v '^\[DONE\]' |
      python3 -c 'import json,sys; print("".join((json.loads(l)["choices"] or [{}])[0].get("delta",{}).get("content") or "" for l in sys.stdin if l.strip()))')
  else
    out=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["choices"][0]["message"]["content"] if "choices" in d else json.dumps(d)[:300])')
  fi
  printf '%-28s stream=%-5s -> %s %s\n' "$1" "$2" "$status" "$out"
  LAST_STATUS=$status
  LAST_TEXT=$out
}
expect() { [ "$LAST_STATUS" = "$1" ] || { echo "  UNEXPECTED: wanted $1" >&2; fails=$((fails + 1)); }; }

curl -sf -o /dev/null -X POST "$MOCK_URL/__mock/reset"
for m in acme/llama-3-70b acme/fast deepseek-ai/DeepSeek-V3.1; do
  ask "$m" false; expect 200
  [ "$LAST_TEXT" = "Hello! You said: via litellm Hello!" ] || { echo "  UNEXPECTED text (MAX_OUTPUT_TOKENS=6 caps max_tokens 50)" >&2; fails=$((fails + 1)); }
  ask "$m" true; expect 200
done
ask scoped/llama false; expect 403
ask forged/fast false; expect 401

echo "-- where the mock saw each request go (path, model, max_tokens, authorization):"
curl -sf "$MOCK_URL/__mock/requests?limit=50" | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["path"].startswith("/__mock"): continue
    b = json.loads(r["body"] or "{}")
    print("  %-50s %-28s %-4s %s" % (r["path"], b.get("model"), b.get("max_tokens"), r["headers"].get("authorization")))'
echo "-- the Worker saw (wrangler dev log, token-free):"
grep -E "POST|GET" "$INTEROP_LOGS/worker.log" | tail -n 12 | sed 's/^/  /' || true
if grep -qF "$TOKEN" "$INTEROP_LOGS/worker.log"; then echo "  UNEXPECTED: the token is in the Worker's log" >&2; fails=$((fails + 1)); fi
[ "$fails" = 0 ] && echo "litellm-gateway: all as expected" || { echo "litellm-gateway: $fails surprise(s)" >&2; exit 1; }
