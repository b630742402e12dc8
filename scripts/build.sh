#!/usr/bin/env bash
# Builds the npm package into pkg/: the release wasm, wasm-bindgen glue for each runtime,
# wasm-opt (once: the module is the same for every target), the entry files, the CLI and
# the package.json; and the same for the chat build in pkg/chat/ (baseten-edge/chat).
# Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# Two builds of one crate: the full API (default features) and the chat build
# (--no-default-features: the OpenAI-compatible client alone, shipped as baseten-edge/chat).
# Cargo keeps both artifacts apart (features are part of their hash), so neither rebuilds the
# other; each is copied out before the next build overwrites the uplifted .wasm.
rm -rf pkg && mkdir -p pkg
cargo build --quiet --release --target wasm32-unknown-unknown --lib
cp "$TARGET_DIR/wasm32-unknown-unknown/release/baseten_edge.wasm" pkg/.full.wasm
cargo build --quiet --profile release-small --target wasm32-unknown-unknown --lib --no-default-features
cp "$TARGET_DIR/wasm32-unknown-unknown/release-small/baseten_edge.wasm" pkg/.chat.wasm

# The full build is optimised for speed within a small size (-Os), the chat build for size
# alone (-Oz, run until it shrinks no more: --converge), as their Cargo profiles are
# (Cargo.toml). The chat build inlines a function with one caller only when it is small
# (-ocimfs 30; wasm-opt's default inlines every one): a big function inlined into its caller
# saves its call but compresses worse (its locals renumbered), so the wasm is 0.2 KB larger but
# 1.4 KB smaller gzipped (73,700 -> 72,300 B; 20 to 40 are all within 80 B of it, 100 gives
# 73,000). --low-memory-unused: Rust lays the stack out first (the shadow stack pointer
# starts at 1 MiB and grows down, the data comes after it), so the low 1 KiB of memory is only
# ever reached by a stack already overflowing; wasm-opt may then fold constant offsets into
# loads and stores (chat build: -0.6 KB gzip).
optimize() {
  # shellcheck disable=SC2086 # OPT is a list of flags
  node_modules/.bin/wasm-opt $OPT --low-memory-unused --strip-debug --strip-producers --enable-bulk-memory \
    --enable-reference-types --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-multivalue "$1" -o "$1"
}
# bindgen WASM OUT TARGET...: wasm-bindgen glue for each target into OUT/<target>/. It writes the
# same .wasm for every target: optimise it once and reuse the result (each target whose .wasm
# differs from the first one's is optimised on its own). Each target's snippets lose their
# comments, and the nodejs target's become CommonJS, checked against the web target's ES
# modules (scripts/snippets.mjs): so web must come before nodejs.
bindgen() {
  local wasm=$1 dir=$2 cp_opt="" target out
  shift 2
  for target in "$@"; do
    wasm-bindgen --target "$target" --out-dir "$dir/$target" --out-name baseten_edge "$wasm"
    if [ "$target" = nodejs ]; then
      echo '{"type":"commonjs"}' > "$dir/nodejs/package.json"
      node scripts/snippets.mjs "$dir/nodejs" --cjs "$dir/web"
    else
      node scripts/snippets.mjs "$dir/$target"
    fi
    out="$dir/$target/baseten_edge_bg.wasm"
    if [ -z "$cp_opt" ]; then
      cp "$out" "$dir/.unoptimized.wasm"
      optimize "$out"
      cp_opt=$out
    elif cmp -s "$out" "$dir/.unoptimized.wasm"; then
      cp "$cp_opt" "$out"
    else
      optimize "$out"
    fi
  done
  rm -f "$dir/.unoptimized.wasm"
}
OPT=-Os bindgen pkg/.full.wasm pkg web nodejs bundler deno
# The chat build: web (browsers, bundlers, Node ESM, Bun, Deno, workerd) and nodejs (require).
OPT="-Oz --converge -ocimfs 30" bindgen pkg/.chat.wasm pkg/chat web nodejs
rm -f pkg/.full.wasm pkg/.chat.wasm

# The entries (Node ESM, workerd, their types), the CLI, and the inlined-wasm entry for bundlers
# and browsers (generated); then the docs and the package.json.
# The chat build has the same layout under pkg/chat/, so the same entry files serve it.
for dir in pkg pkg/chat; do
  cp packaging/node.mjs packaging/node.cjs packaging/node_*.cjs packaging/h2_*.cjs packaging/hpack*.cjs \
    packaging/workerd.mjs packaging/index.d.ts packaging/web.d.ts \
    packaging/nodejs.d.cts packaging/wasm.d.ts "$dir/"
done
cp packaging/cli.mjs pkg/cli.mjs && chmod +x pkg/cli.mjs
cp packaging/cli-tables.json pkg/cli-tables.json
node scripts/pkg-entries.mjs
node scripts/glue-min.mjs pkg
mkdir -p pkg/docs && cp docs/runtimes.md docs/cli.md pkg/docs/ 2>/dev/null || true
# The package has a README of its own (npm users have no scripts/), and the licenses.
cp packaging/README.md LICENSE-MIT LICENSE-APACHE pkg/
node scripts/pkg-json.mjs > pkg/package.json
for wasm in pkg/web/baseten_edge_bg.wasm pkg/chat/web/baseten_edge_bg.wasm; do
  echo "built $wasm ($(wc -c < "$wasm") bytes, $(gzip -9c "$wasm" | wc -c) gzipped)"
done
