#!/usr/bin/env bash
# Starts the chat sample's server from the jar the build made and has two users talk through it once,
# then stops it; fails with what it saw otherwise. Builds nothing: run it after `mvn -B -ntp verify`
# (or `mvn -B -ntp -q -DskipTests install`), which makes samples/target/netloop-chat.jar.
#
#   ci/smoke-sample.sh [SERVER FLAG...]      e.g.  ci/smoke-sample.sh --backend nio
#
# The client is ci/ChatSmoke.java, run as a single-file program by the same JDK 22+, so it works on
# Linux, macOS and Windows (Git Bash) with nothing else installed. That JDK is JAVA_HOME when it is
# 22+ (setup-java's), else the newest 22+ under /usr/lib/jvm or /Library/Java/JavaVirtualMachines.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=samples/target/netloop-chat.jar
if [ ! -f "$jar" ]; then
  echo "ci/smoke-sample.sh: $jar is missing: build it first with mvn -B -ntp verify (or mvn -B -ntp -q -DskipTests install)" >&2
  exit 1
fi

feature_of() { # feature_of JAVA_HOME: its feature version from the release file; 0 when none
  local v=
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  fi
  echo "${v:-0}"
}

home=
if [ -n "${JAVA_HOME:-}" ]; then
  h=$JAVA_HOME
  if command -v cygpath >/dev/null 2>&1; then h=$(cygpath -u "$h"); fi
  if [ "$(feature_of "$h")" -ge 22 ]; then home=$h; fi
fi
if [ -z "$home" ]; then
  best=0
  for h in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$h" ] || continue
    f=$(feature_of "$h")
    if [ "$f" -ge 22 ] && [ "$f" -gt "$best" ]; then home=$h best=$f; fi
  done
fi
if [ -z "$home" ]; then
  echo "ci/smoke-sample.sh: no JDK 22 or newer found: set JAVA_HOME to one" >&2
  exit 1
fi

echo "ci/smoke-sample.sh: JDK $(feature_of "$home") at $home"
"$home/bin/java" ci/ChatSmoke.java "$jar" "$@"
