#!/usr/bin/env bash
# Installs what netloop's build and tests need on a Debian-like Linux machine, idempotently.
#   gcc   : the layout probe compiles a C program against the real system headers
#   maven : the build
# A JDK 22+ must already be installed (the build finds it under /usr/lib/jvm, ~/.jdks, JAVA_HOME, ...).
set -euo pipefail

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v mvn >/dev/null 2>&1 || missing+=(maven)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "ci/install-deps.sh: please install: ${missing[*]}" >&2
    exit 1
  fi
fi
