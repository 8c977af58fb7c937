#!/usr/bin/env bash
# Builds the offline web verifier into web/dist/: the travelcert library
# compiled to WebAssembly (bindings/wasm, features verify, scan, hcert and shc; no issuing
# code), its wasm-bindgen JS glue, the page and the service worker.
#
#   web/build.sh                      # verify + scan + hcert + shc (the page)
#   web/build.sh --no-default-features    # verify only (no camera or image input)
#   web/build.sh --no-default-features --features scan   # without HC1: and shc:/
#
# Installs the wasm32-unknown-unknown target and the wasm-bindgen-cli version
# that bindings/wasm/Cargo.lock pins when they are missing. No wasm-opt: see
# docs/web.md (Sizes).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CRATE="$ROOT/bindings/wasm"
DIST="$ROOT/web/dist"

if ! rustup target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  rustup target add wasm32-unknown-unknown
fi
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' "$CRATE/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  # The CLI's own lock file first; a registry that lacks one of its locked
  # versions gets a fresh resolution of the same CLI version.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --locked \
    || cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

cargo build --release --locked --target wasm32-unknown-unknown --manifest-path "$CRATE/Cargo.toml" "$@"
WASM="$CRATE/target/wasm32-unknown-unknown/release/travelcert_wasm.wasm"

rm -rf "$DIST"
mkdir -p "$DIST/pkg"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$DIST/pkg" --out-name travelcert_wasm "$WASM"
cp "$ROOT"/web/src/{index.html,style.css,app.js,manifest.webmanifest} "$DIST/"
# The service worker's cache is named after the files it caches: a new build
# replaces the old cache.
VERSION="$(cat "$DIST"/*.html "$DIST"/*.css "$DIST"/*.js "$DIST"/pkg/* | sha256sum | cut -c1-16)"
sed "s/__VERSION__/$VERSION/" "$ROOT/web/src/sw.js" >"$DIST/sw.js"

RAW=$(stat -c %s "$DIST/pkg/travelcert_wasm_bg.wasm")
GZ=$(gzip -9 -c "$DIST/pkg/travelcert_wasm_bg.wasm" | wc -c)
echo "web/dist: travelcert_wasm_bg.wasm $RAW bytes, $GZ bytes gzipped (-9); features: ${*:-default (verify, scan, hcert, shc)}"
