#!/usr/bin/env bash
# Runs the README's test command, `mvn -B -ntp verify`, from the repository root. For the CI matrix's
# bash shells: Linux, macOS (bash 3.2) and Git Bash on Windows.
set -euo pipefail
cd "$(dirname "$0")/.."

# The build compiles and tests on a JDK 22+ that maven-toolchains-plugin discovers. Its default order
# prefers an LTS JDK (lts,current,...), so on a runner that also has a JDK 25 installed the JDK-22 leg
# would test on 25. Prefer the JDK Maven runs on (setup-java's, the leg's), then the plugin's order.
# A system property of Maven's JVM (MAVEN_OPTS, read by every Maven version, unlike MAVEN_ARGS) so that
# the command below stays the README's; ci/check-backends.sh --java N checks the JDK the suite ran on.
export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }-Dtoolchain.jdk.comparator=current,lts,env,version,vendor"

mvn -B -ntp verify
