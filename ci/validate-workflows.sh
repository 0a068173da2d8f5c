#!/usr/bin/env bash
# Validates GitHub Actions workflow files offline with action-validator (https://github.com/mpalmer/action-validator,
# the npm package @action-validator/cli and its WebAssembly core): the workflow JSON schema from
# SchemaStore, built into the tool, plus its checks of globs and job dependencies. Fails on an invalid file.
#
#   ci/validate-workflows.sh [FILE...]      default: every .github/workflows/*.yml and *.yaml
#
# Needs Node.js and npm. The pinned version is installed once into target/ci-tools/ (the only step that
# uses the network; override the place with NETLOOP_CI_TOOLS); validating needs no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd -P)

version=0.6.0
tools=${NETLOOP_CI_TOOLS:-$root/target/ci-tools}/action-validator-$version
validator=$tools/node_modules/.bin/action-validator

if [ ! -x "$validator" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "ci/validate-workflows.sh: needs Node.js and npm to install @action-validator/cli@$version (Debian/Ubuntu: apt-get install nodejs npm)" >&2
    exit 1
  fi
  mkdir -p "$tools"
  # A package.json of its own, so that npm installs here and not into a parent project.
  [ -f "$tools/package.json" ] || echo '{ "name": "netloop-ci-tools", "private": true }' >"$tools/package.json"
  # The CLI declares the core as a peer dependency of the same version: both pinned.
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
    "@action-validator/cli@$version" "@action-validator/core@$version" >&2
fi

if [ $# -eq 0 ]; then
  for f in "$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml; do
    [ -f "$f" ] && set -- "$@" "$f"
  done
fi
if [ $# -eq 0 ]; then
  echo "ci/validate-workflows.sh: no workflow files to validate" >&2
  exit 1
fi

status=0
for f in "$@"; do
  if "$validator" "$f"; then
    echo "ci/validate-workflows.sh: valid: ${f#"$root"/}"
  else
    echo "ci/validate-workflows.sh: INVALID: ${f#"$root"/} (action-validator $version)" >&2
    status=1
  fi
done
exit $status
