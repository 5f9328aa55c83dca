#!/usr/bin/env bash
# Vendors the browser terminal's JavaScript and CSS (xterm.js and two of
# its addons) from the npm registry at the pinned versions below, so the
# binary embeds them and `go run ./cmd/portfolio` needs no npm.
#
# Run it after changing a version; it rewrites the files here and
# MANIFEST (versions, the registry's integrity hashes, and the SHA-256 of
# each vendored file, which web's tests check against the embedded copy).
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  "@xterm/xterm@6.0.0"
  "@xterm/addon-fit@0.11.0"
  "@xterm/addon-web-links@0.12.0"
)
# package-relative path → file name here
files=(
  "@xterm/xterm:lib/xterm.js:xterm.js"
  "@xterm/xterm:css/xterm.css:xterm.css"
  "@xterm/xterm:LICENSE:LICENSE.xterm"
  "@xterm/addon-fit:lib/addon-fit.js:addon-fit.js"
  "@xterm/addon-web-links:lib/addon-web-links.js:addon-web-links.js"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
  echo "# Vendored by update.sh from the npm registry. Do not edit by hand."
  echo "# package@version  integrity (npm, of the tarball)"
} >"$tmp/MANIFEST"
for spec in "${packages[@]}"; do
  name=${spec%@*}
  # npm pack checks the tarball against the registry's integrity hash.
  tarball=$(cd "$tmp" && npm pack --silent "$spec")
  integrity=$(npm view "$spec" dist.integrity)
  echo "$spec  $integrity" >>"$tmp/MANIFEST"
  mkdir -p "$tmp/$name"
  tar -xzf "$tmp/$tarball" -C "$tmp/$name" --strip-components=1
done
echo "# file  sha256" >>"$tmp/MANIFEST"
for f in "${files[@]}"; do
  IFS=: read -r name path out <<<"$f"
  cp "$tmp/$name/$path" "./$out"
  echo "$out  $(sha256sum "$out" | cut -d' ' -f1)" >>"$tmp/MANIFEST"
done
cp "$tmp/MANIFEST" MANIFEST
echo "vendored:"; cat MANIFEST
