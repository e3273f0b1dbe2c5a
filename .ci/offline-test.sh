#!/usr/bin/env bash
# The offline install path, end to end: make the bundle (without the static binary), check its
# checksum, unpack it and build it with the network off and an empty CARGO_HOME, as on an
# air-gapped server, then run the binary on the sample backlog. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
BUNDLE_MUSL=0 bash .ci/offline-bundle.sh "$tmp/dist" > "$tmp/paths"
tarball=$(head -n1 "$tmp/paths")
(cd "$tmp/dist" && sha256sum -c "$(basename "$tarball").sha256")
mkdir "$tmp/server"
tar -C "$tmp/server" -xzf "$tarball"
src=$(find "$tmp/server" -mindepth 1 -maxdepth 1 -type d)
export CARGO_HOME="$tmp/cargo-home" CARGO_NET_OFFLINE=true CARGO_TARGET_DIR="$tmp/target"
(cd "$src" && cargo build --offline --locked)
"$tmp/target/debug/ds01-pm" score "$src/fixtures/backlog.toml" --format json > "$tmp/score.json"
grep -q '"schema_version"' "$tmp/score.json"
echo "offline build from the vendored bundle: ok"
