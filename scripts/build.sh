#!/usr/bin/env bash
# Builds the npm package into pkg/: the release wasm, wasm-bindgen glue for each runtime,
# wasm-opt -Oz on each module, and the package.json. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_DIR=${CARGO_TARGET_DIR:-target}

cargo build --quiet --release --target wasm32-unknown-unknown --lib
WASM=$TARGET_DIR/wasm32-unknown-unknown/release/baseten_edge.wasm

rm -rf pkg && mkdir -p pkg
for target in web nodejs bundler deno; do
  wasm-bindgen --target "$target" --out-dir "pkg/$target" --out-name baseten_edge "$WASM"
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory \
    --enable-reference-types --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue \
    "pkg/$target/baseten_edge_bg.wasm" -o "pkg/$target/baseten_edge_bg.wasm"
done

# The nodejs target is CommonJS: give it CommonJS copies of the inline JS snippets.
echo '{"type":"commonjs"}' > pkg/nodejs/package.json
for snippet in pkg/nodejs/snippets/*/*.js; do
  names=$(sed -n 's/^export function \([A-Za-z0-9_]*\).*/\1/p' "$snippet" | paste -sd, -)
  sed -i 's/^export function /function /' "$snippet"
  echo "module.exports = { $names };" >> "$snippet"
done
# Node ESM entry: the web build initialised synchronously from the file next to it.
cat > pkg/node.mjs <<'JS'
import { readFileSync } from "node:fs";
import { initSync } from "./web/baseten_edge.js";
initSync({ module: readFileSync(new URL("./web/baseten_edge_bg.wasm", import.meta.url)) });
export * from "./web/baseten_edge.js";
JS
cp README.md pkg/ 2>/dev/null || true
node scripts/pkg-json.mjs > pkg/package.json
echo "built pkg/ ($(wc -c < pkg/web/baseten_edge_bg.wasm) bytes of wasm, $(gzip -9c pkg/web/baseten_edge_bg.wasm | wc -c) gzipped)"
