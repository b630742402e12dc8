#!/usr/bin/env bash
# Builds the npm package into pkg/: the release wasm, wasm-bindgen glue for each runtime,
# wasm-opt -Oz (once: the module is the same for every target), the entry files, the CLI and
# the package.json. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_DIR=${CARGO_TARGET_DIR:-target}

cargo build --quiet --release --target wasm32-unknown-unknown --lib
WASM=$TARGET_DIR/wasm32-unknown-unknown/release/baseten_edge.wasm

rm -rf pkg && mkdir -p pkg
optimize() {
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory \
    --enable-reference-types --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue "$1" -o "$1"
}
# wasm-bindgen writes the same .wasm for every target: optimise it once and reuse the result
# (each target whose .wasm differs from the first one's is optimised on its own).
cp_opt=""
for target in web nodejs bundler deno; do
  wasm-bindgen --target "$target" --out-dir "pkg/$target" --out-name baseten_edge "$WASM"
  out="pkg/$target/baseten_edge_bg.wasm"
  if [ -z "$cp_opt" ]; then
    cp "$out" pkg/.unoptimized.wasm
    optimize "$out"
    cp_opt=$out
  elif cmp -s "$out" pkg/.unoptimized.wasm; then
    cp "$cp_opt" "$out"
  else
    optimize "$out"
  fi
done
rm -f pkg/.unoptimized.wasm

# The nodejs target is CommonJS: give it CommonJS copies of the inline JS snippets.
echo '{"type":"commonjs"}' > pkg/nodejs/package.json
for snippet in pkg/nodejs/snippets/*/*.js; do
  names=$(sed -n 's/^export function \([A-Za-z0-9_]*\).*/\1/p' "$snippet" | paste -sd, -)
  sed -i 's/^export function /function /' "$snippet"
  echo "module.exports = { $names };" >> "$snippet"
done
# The entries (Node ESM, workerd, their types), the CLI, and the inlined-wasm entry for bundlers
# and browsers (generated); then the docs and the package.json.
cp packaging/node.mjs packaging/workerd.mjs packaging/index.d.ts packaging/web.d.ts \
  packaging/nodejs.d.cts packaging/wasm.d.ts pkg/
cp packaging/cli.mjs pkg/cli.mjs && chmod +x pkg/cli.mjs
node scripts/pkg-entries.mjs
mkdir -p pkg/docs && cp docs/runtimes.md docs/cli.md pkg/docs/ 2>/dev/null || true
cp README.md pkg/ 2>/dev/null || true
node scripts/pkg-json.mjs > pkg/package.json
echo "built pkg/ ($(wc -c < pkg/web/baseten_edge_bg.wasm) bytes of wasm, $(gzip -9c pkg/web/baseten_edge_bg.wasm | wc -c) gzipped)"
