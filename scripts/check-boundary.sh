#!/usr/bin/env bash
# Fails when JavaScript or TypeScript is written inside Rust strings (it belongs in the real,
# type-checked .js/.d.ts files beside the Rust): inline_js, functions built from source text
# (js_sys::Function::new_*, eval), and TypeScript custom sections that are not include_str!.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
if grep -rnE 'inline_js|Function::new_(with_args|no_args)|js_sys::eval|\beval\(' src; then
  echo "check-boundary: JavaScript inside Rust strings: move it to a .js file" >&2
  status=1
fi
if grep -rn -A1 'typescript_custom_section' src --include=*.rs | grep -E 'const [A-Z_]+: &' | grep -v 'include_str!'; then
  echo "check-boundary: a typescript_custom_section that is not include_str!(\"....d.ts\")" >&2
  status=1
fi
exit $status
