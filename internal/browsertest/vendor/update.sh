#!/usr/bin/env bash
# Vendors axe-core (the accessibility checker the browser tests run in
# each page) from the npm registry at the pinned version below, so the
# tests need no npm. As web/vendor/update.sh does for xterm.js: run it
# after changing the version; it rewrites the files here and MANIFEST
# (the version, the registry's integrity hash of the tarball, and the
# SHA-256 of each vendored file, which browsertest's test checks against
# the embedded copy). Only test binaries link package browsertest, so the
# portfolio's binary never carries axe-core.
set -euo pipefail
cd "$(dirname "$0")"

spec="axe-core@4.14.1"
# package-relative path → file name here
files=(
  "axe.min.js:axe.min.js"
  "LICENSE:LICENSE.axe-core"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
  echo "# Vendored by update.sh from the npm registry. Do not edit by hand."
  echo "# package@version  integrity (npm, of the tarball)"
} >"$tmp/MANIFEST"
# npm pack checks the tarball against the registry's integrity hash.
tarball=$(cd "$tmp" && npm pack --silent "$spec")
integrity=$(npm view "$spec" dist.integrity)
echo "$spec  $integrity" >>"$tmp/MANIFEST"
mkdir -p "$tmp/pkg"
tar -xzf "$tmp/$tarball" -C "$tmp/pkg" --strip-components=1
echo "# file  sha256" >>"$tmp/MANIFEST"
for f in "${files[@]}"; do
  IFS=: read -r path out <<<"$f"
  cp "$tmp/pkg/$path" "./$out"
  echo "$out  $(sha256sum "$out" | cut -d' ' -f1)" >>"$tmp/MANIFEST"
done
cp "$tmp/MANIFEST" MANIFEST
echo "vendored:"; cat MANIFEST
