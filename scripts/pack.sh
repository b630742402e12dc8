#!/usr/bin/env bash
# Builds the npm package (pkg/) and packs it into dist/: prints the tarball's path, for
#   npm install /path/to/baseten-edge-X.Y.Z.tgz
# in any project, until the package is published. Installs what the build needs first.
# --no-build packs the pkg/ already built (the package tests use it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
if [ "${1:-}" != "--no-build" ]; then
  SKIP_BROWSER=1 scripts/setup.sh
  echo "[pack] building the package: the wasm twice (full and chat builds), a few minutes the first time" >&2
  scripts/build.sh >&2
fi
[ -f pkg/package.json ] || { echo "[pack] pkg/ is not built: run scripts/pack.sh without --no-build" >&2; exit 1; }
mkdir -p dist
tgz=$(cd pkg && npm pack --pack-destination ../dist --loglevel=error | tail -n 1)
echo "$PWD/dist/$tgz"
