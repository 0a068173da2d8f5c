#!/usr/bin/env bash
# Builds netloop as it was before observability (commit 8080642, the parent of "Observability
# core"), or any other revision, into a directory of jars for the runner's @baseline servers:
#
#   benchmarks/baseline.sh [--rev REV] [--out DIR] [-- MAVEN_ARGS...]
#
#   --rev REV   revision to build (default 8080642)
#   --out DIR   where the jars go (default benchmarks/target/baseline); emptied first
#   MAVEN_ARGS  passed to mvn after the defaults (-B -ntp -q -o), e.g. -Dmaven.repo.local=/tmp/m2
#
# DIR then holds the jars of java-api, native-bindings, platform-linux and samples at REV,
# DIR/classpath (those jars, ':'-separated, one line) and DIR/REVISION (hash and subject). Give DIR
# to the runner: BenchmarkRunner --baseline-classpath DIR. Nothing is installed into the Maven
# repository: REV has the same version number as the working tree, and installing it would
# replace the current jars that the other servers run on.
#
# The source of REV comes from `git archive` into a temporary directory, not from `git worktree
# add`: the build then leaves nothing registered in the repository, which other worktrees share.
set -euo pipefail

rev=8080642
here=$(cd "$(dirname "$0")" && pwd)
out="$here/target/baseline"
while [ $# -gt 0 ]; do
    case "$1" in
        --rev) rev=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "baseline.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

repo=$(git -C "$here" rev-parse --show-toplevel)
commit=$(git -C "$repo" rev-parse --verify "$rev^{commit}")
src=$(mktemp -d "${TMPDIR:-/tmp}/netloop-baseline.XXXXXX")
trap 'rm -rf "$src"' EXIT

git -C "$repo" archive "$commit" | tar -x -C "$src"
echo "baseline.sh: building $(git -C "$repo" log -1 --format='%h %s' "$commit" | cut -c1-100) in $src" >&2
# Only what a BenchServer runs on; javadoc, sources and the API check are not needed for that.
(cd "$src" && mvn -B -ntp -q -o package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
    -Djapicmp.skip=true -pl java-api,native-bindings,platform-linux,samples -am "$@")

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out"/*.jar "$out/classpath" "$out/REVISION"
cp=""
for module in java-api native-bindings platform-linux samples; do
    # The module's own jar (samples also builds netloop-chat.jar, a runnable jar with the library inside).
    for jar in "$src/$module/target/netloop-$module"-*.jar; do
        case "$jar" in *-sources.jar|*-javadoc.jar|*-tests.jar) continue ;; esac
        cp "$jar" "$out/"
        cp="${cp:+$cp:}$out/$(basename "$jar")"
    done
done
[ -n "$cp" ] || { echo "baseline.sh: the build produced no jars" >&2; exit 1; }
echo "$cp" > "$out/classpath"
git -C "$repo" log -1 --format='%H %s' "$commit" > "$out/REVISION"
echo "baseline.sh: $out/classpath:" >&2
echo "$cp"
