#!/usr/bin/env bash
# After `mvn -B -ntp verify`: did every backend this leg expects really run the conformance suite?
#
#   ci/check-backends.sh [--java N] BACKEND...     e.g.  ci/check-backends.sh --java 25 epoll-lt epoll-et io_uring nio
#
# Each backend's suite is the *ConformanceTest class under conformance-tests/src/test/java that carries
# @BackendUnderTest("BACKEND"); surefire reports it in
# conformance-tests/target/surefire-reports/TEST-io.netloop.conformance.<Class>.xml. A backend that
# cannot run on this OS skips every test (with the reason), so a green build alone does not show that
# it ran. This prints one line per backend and fails when an expected one has no class, did not run,
# ran no test, skipped every test, or had failures or errors; with --java N, also when the suite ran
# on a JDK of another feature version than N. Other backends are only reported.
# Portable bash (3.2 on macOS, Git Bash on Windows), grep and sed.
set -euo pipefail
cd "$(dirname "$0")/.."

src=conformance-tests/src/test/java/io/netloop/conformance
reports=${CONFORMANCE_REPORTS:-conformance-tests/target/surefire-reports}   # overridable, to test this script

java=
if [ "${1:-}" = "--java" ]; then
  java=${2:?--java needs a JDK feature version, e.g. 25}
  shift 2
fi
if [ $# -eq 0 ]; then
  echo "usage: ci/check-backends.sh [--java N] BACKEND..." >&2
  exit 2
fi
expected=" $* "

# "id Class" per conformance class, from the sources: @BackendUnderTest("io_uring") in IoUringConformanceTest.java.
# Only the *ConformanceTest classes (the whole suite); a backend's other tests (IoUringOwnershipTest)
# are not what this checks.
pairs=$(grep -o '@BackendUnderTest("[^"]*")' "$src"/*ConformanceTest.java 2>/dev/null \
  | sed -n 's|^.*/\([A-Za-z0-9_$]*\)\.java:@BackendUnderTest("\([^"]*\)")$|\2 \1|p' || true)

# Every backend with a class, then expected ones without (so each gets a line), in a stable order.
ids=$( { echo "$pairs" | sed -n 's/ .*//p'; for id in "$@"; do echo "$id"; done; } | awk 'NF && !seen[$0]++')

attr() { # attr NAME TAG: the value of NAME="..." in TAG
  sed -n "s/.* $1=\"\([^\"]*\)\".*/\1/p" <<<"$2"
}
unescape() {
  sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&#10;/ /g' -e 's/&amp;/\&/g'
}

failed=
echo "ci/check-backends.sh: the conformance suite per backend (expected on this leg:${expected% })"
for id in $ids; do
  case $expected in *" $id "*) want=yes ;; *) want= ;; esac
  classes=$(echo "$pairs" | awk -v id="$id" '$1 == id { print $2 }')
  if [ -z "$classes" ]; then
    line="no class in $src carries @BackendUnderTest(\"$id\")"
    ok=
  else
    for class in $classes; do
      report=$reports/TEST-io.netloop.conformance.$class.xml
      ok=
      if [ ! -f "$report" ]; then
        line="$class did not run (no $report)"
      else
        tag=$(grep -m 1 -o '<testsuite [^>]*>' "$report" || true)
        tests=$(attr tests "$tag"); skipped=$(attr skipped "$tag")
        failures=$(attr failures "$tag"); errors=$(attr errors "$tag")
        tests=${tests:-0} skipped=${skipped:-0} failures=${failures:-0} errors=${errors:-0}
        jdk=$(grep -m 1 -o '<property name="java.specification.version" value="[^"]*"' "$report" \
          | sed 's/.*value="\([^"]*\)"/\1/' || true)
        ran=$((tests - skipped))
        line="$class: $tests tests, $ran ran, $skipped skipped, $failures failed, $errors errors, JDK ${jdk:-?}"
        if [ "$tests" -eq 0 ]; then
          line="$line: no test ran"
        elif [ "$ran" -eq 0 ]; then
          reason=$(grep -m 1 -o '<skipped message="[^"]*"' "$report" | sed 's/^<skipped message="//; s/"$//' | unescape || true)
          line="$line: all skipped: ${reason:-no reason given}"
        elif [ "$failures" -ne 0 ] || [ "$errors" -ne 0 ]; then
          :
        elif [ -n "$java" ] && [ "${jdk:-}" != "$java" ]; then
          line="$line: expected JDK $java"
        else
          ok=yes
        fi
      fi
    done
  fi
  if [ -n "$want" ] && [ -z "$ok" ]; then
    status=FAIL
    failed="$failed $id"
  elif [ -n "$ok" ]; then
    status=ok
  else
    status=-
  fi
  [ -n "$want" ] || line="$line (not expected on this leg)"
  printf '  %-4s  %-12s %s\n' "$status" "$id" "$line"
done

if [ -n "$failed" ]; then
  echo "ci/check-backends.sh: FAILED: expected backend(s) that did not pass the whole conformance suite here:$failed" >&2
  exit 1
fi
echo "ci/check-backends.sh: every expected backend ran the conformance suite"
