#!/usr/bin/env bash
# Make an offline bundle of ds01-pm, for a server with no network (DS01 is air-gapped).
#
# Run on a connected machine with the Rust toolchain, from a git checkout:
#   bash .ci/offline-bundle.sh [OUT_DIR]          # default OUT_DIR: dist
# It writes OUT_DIR/ds01-pm-VERSION-offline.tar.gz and its .sha256. The tarball holds the
# tracked sources, every dependency's source (`cargo vendor`), a .cargo/config.toml that builds
# from them, and, when the x86_64-unknown-linux-musl target can be added, a static binary in
# bin/ (set BUNDLE_MUSL=0 to skip it). See README.md, "Install on an air-gapped server".
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
name="ds01-pm-${version}-offline"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage"

# Tracked files only: no target/, no local notes.
git ls-files -z | xargs -0 cp --parents -t "$stage"

echo "vendoring the dependencies' sources..." >&2
mkdir -p "$stage/.cargo"
(cd "$stage" && cargo vendor --locked --versioned-dirs vendor) > "$stage/.cargo/config.toml"
cat >> "$stage/.cargo/config.toml" <<'TOML'

[net]
offline = true
TOML

if [ "${BUNDLE_MUSL:-1}" = 1 ] && rustup target add x86_64-unknown-linux-musl >/dev/null 2>&1; then
    echo "building the static binary (x86_64-unknown-linux-musl)..." >&2
    cargo build --release --locked --target x86_64-unknown-linux-musl >&2
    mkdir -p "$stage/bin"
    cp target/x86_64-unknown-linux-musl/release/ds01-pm "$stage/bin/ds01-pm"
else
    echo "note: no static binary in the bundle (BUNDLE_MUSL=0, or the musl target is not available); build it on the server with cargo build --offline --locked --release" >&2
fi

tar -C "$work" -czf "$out/$name.tar.gz" "$name"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$out/$name.tar.gz"
echo "$out/$name.tar.gz.sha256"
