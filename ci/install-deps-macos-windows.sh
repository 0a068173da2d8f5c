#!/usr/bin/env bash
# The macOS and Windows (Git Bash) legs' dependencies. GitHub's images already have Maven and
# setup-java provides the JDK, so this normally only says what it found; on macOS it installs Maven
# with Homebrew when it is missing. Nothing else is needed there: the chat sample's tests that drive
# real peers (nc in Debian's flavour, python3-irc, ii) skip with a reason without them.
set -euo pipefail

if ! command -v mvn >/dev/null 2>&1; then
  case "$(uname -s)" in
    Darwin)
      brew install maven ;;
    *)
      echo "ci/install-deps-macos-windows.sh: Maven 3.6.3+ is not on the PATH: install it from https://maven.apache.org (or 'choco install maven') and put its bin folder on the PATH." >&2
      exit 1 ;;
  esac
fi

echo "ci/install-deps-macos-windows.sh: $(uname -s); JAVA_HOME=${JAVA_HOME:-unset}"
mvn -v
