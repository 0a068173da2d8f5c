#!/usr/bin/env bash
# Proves that a separate project can use the installed netloop artifacts: builds ci/consumer/ (its own
# pom, netloop through the BOM from the local Maven repository, not a module of the reactor) and runs
# its echo check on the module path and on the class path.
#
#   bash ci/consumer.sh [--install]
#
# 1. README.md's "Depend on it" snippet must be the consumer pom's section between
#    <!-- depend-on-netloop:begin --> and <!-- depend-on-netloop:end -->, line for line (the pom's
#    indentation aside); the BOM version there must be the reactor's version.
# 2. The artifacts come from the local repository (~/.m2/repository). With --install, or when one of
#    them is missing there, it first runs `mvn -B -ntp -q install -DskipTests` on the reactor.
#    Otherwise it uses what is installed, however old: run it after an install (as .ci/run does).
# 3. Finds a JDK 22+ as samples/chat does (JAVA_HOME if 22+, else the newest under /usr/lib/jvm,
#    ~/.jdks, SDKMAN, /Library/Java/JavaVirtualMachines, else `java` on the PATH if 22+) and runs
#    `mvn -f ci/consumer/pom.xml clean package` on it, which copies the runtime dependencies to
#    ci/consumer/target/lib.
# 4. Runs the check twice, each bounded (30 s in the program, 60 s from outside where `timeout`
#    exists), and fails unless it exits 0, prints its result line, names the path it ran on, and
#    prints no native-access or slf4j warning:
#      java --enable-native-access=io.netloop.bindings -p target/lib:target/classes -m io.netloop.consumer/...
#      java --enable-native-access=ALL-UNNAMED -cp 'target/lib/*:target/classes' io.netloop.consumer.ConsumerCheck
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
consumer=$root/ci/consumer
main_class=io.netloop.consumer.ConsumerCheck

install=
for arg in "$@"; do
    case $arg in
        --install) install=yes ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "consumer.sh: unknown argument '$arg' (usage: bash ci/consumer.sh [--install])" >&2; exit 2 ;;
    esac
done

say() { echo "consumer.sh: $*"; }
die() { echo "consumer.sh: FAILED: $*" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netloop-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- 1. README.md's snippet is the pom's section --------------------------------------------------

begin='<!-- depend-on-netloop:begin -->'
end='<!-- depend-on-netloop:end -->'

# The lines strictly between the markers, less the begin marker's own indentation; nothing when the
# file does not have exactly one begin marker followed by one end marker.
section() {
    awk -v b="$begin" -v e="$end" '
        index($0, e) { ends++; inside = 0 }
        inside { print (substr($0, 1, indent) == pad ? substr($0, indent + 1) : $0) }
        index($0, b) { begins++; inside = 1; match($0, /^[ \t]*/); indent = RLENGTH; pad = substr($0, 1, indent) }
        END { if (begins != 1 || ends != 1 || inside) exit 1 }
    ' "$1"
}

section "$consumer/pom.xml" >"$tmp/pom.xml" \
    || die "ci/consumer/pom.xml needs exactly one '$begin' and one '$end' after it"
# In README.md the markers are HTML comments around the ```xml fence, so the page shows the snippet alone.
section README.md >"$tmp/readme-block" \
    || die "README.md needs exactly one '$begin' and one '$end' after it (around the \`\`\`xml block of \"Depend on it\")"
grep -v '^```' "$tmp/readme-block" >"$tmp/README.md" || true
[ -s "$tmp/pom.xml" ] || die "ci/consumer/pom.xml has nothing between its markers"
if ! diff -u "$tmp/pom.xml" "$tmp/README.md" >"$tmp/snippet.diff"; then
    sed -e "1s|^--- .*|--- ci/consumer/pom.xml (between the markers)|" -e "2s|^+++ .*|+++ README.md (between the markers)|" "$tmp/snippet.diff" >&2
    die "README.md's \"Depend on it\" snippet differs from ci/consumer/pom.xml's section (diff above): make them the same"
fi

version_after() { # FILE ARTIFACT_ID: the <version> that follows <artifactId>ARTIFACT_ID</artifactId>
    sed -n "/<artifactId>$2<\/artifactId>/,/<version>/s|.*<version>\(.*\)</version>.*|\1|p" "$1" | head -n 1
}
version=$(version_after "$tmp/pom.xml" netloop-bom)
reactor_version=$(version_after pom.xml netloop-parent)
[ -n "$version" ] || die "no netloop-bom <version> between ci/consumer/pom.xml's markers"
[ "$version" = "$reactor_version" ] \
    || die "the snippet imports netloop-bom $version but the reactor is $reactor_version: update ci/consumer/pom.xml and README.md"
say "README.md's snippet is ci/consumer/pom.xml's (netloop-bom $version)"

# --- 2. The installed artifacts ------------------------------------------------------------------

repo=$HOME/.m2/repository/io/netloop
missing=
for f in netloop-parent/$version/netloop-parent-$version.pom netloop-bom/$version/netloop-bom-$version.pom \
         netloop-java-api/$version/netloop-java-api-$version.jar \
         netloop-native-bindings/$version/netloop-native-bindings-$version.jar \
         netloop-platform-linux/$version/netloop-platform-linux-$version.jar; do
    [ -f "$repo/$f" ] || missing="$missing ${f##*/}"
done
if [ -n "$install" ] || [ -n "$missing" ]; then
    say "installing the reactor (${missing:+missing from $repo:$missing; }mvn -B -ntp -q install -DskipTests)"
    mvn -B -ntp -q install -DskipTests
fi

# --- 3. A JDK 22+, and the consumer's build --------------------------------------------------------
# The functions below are samples/chat's.

# The major version of a version string: "25.0.1" -> 25, "22" -> 22, "1.8.0_412" -> 8, "26-ea" -> 26.
major_of() {
    v=${1#1.}
    v=${v%%[!0-9]*}
    echo "${v:-0}"
}

# The major version of the JDK at $1 (a Java home), from its release file, else from java -version.
home_major() {
    [ -x "$1/bin/java" ] || { echo 0; return; }
    v=
    if [ -f "$1/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}[[:space:]]*$/\1/p' "$1/release" | head -n 1)
    fi
    if [ -z "$v" ]; then
        v=$("$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    major_of "${v:-0}"
}

find_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && [ "$(home_major "$JAVA_HOME")" -ge 22 ]; then
        echo "$JAVA_HOME"
        return
    fi
    best= best_major=0
    for home in /usr/lib/jvm/* "$HOME"/.jdks/* "$HOME"/.sdkman/candidates/java/* \
                /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$home" ] || continue
        m=$(home_major "$home")
        if [ "$m" -ge 22 ] && [ "$m" -gt "$best_major" ]; then
            best=$home best_major=$m
        fi
    done
    if [ -n "$best" ]; then
        echo "$best"
        return
    fi
    if command -v java >/dev/null 2>&1; then
        home=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.home = //p' | head -n 1)
        if [ -n "$home" ] && [ "$(home_major "$home")" -ge 22 ]; then
            echo "$home"
            return
        fi
    fi
}

jdk=$(find_jdk)
[ -n "$jdk" ] || die "no JDK 22 or newer found (JAVA_HOME, /usr/lib/jvm, ~/.jdks, SDKMAN, java on the PATH): install one, for example Eclipse Temurin 25"
jdk_major=$(home_major "$jdk")

# Maven runs on that JDK, so the consumer pom needs no toolchains. JDK 24+ warns about Maven's own
# use of sun.misc.Unsafe: that warning is not ours to show.
opts=${MAVEN_OPTS:-}
if [ "$jdk_major" -ge 24 ]; then
    opts="$opts --sun-misc-unsafe-memory-access=allow"
fi
if ! JAVA_HOME=$jdk MAVEN_OPTS=$opts mvn -B -ntp -q -f "$consumer/pom.xml" clean package >"$tmp/build.out" 2>&1; then
    cat "$tmp/build.out" >&2
    die "building ci/consumer with JDK $jdk_major ($jdk) failed (Maven's output above)"
fi
say "built ci/consumer with JDK $jdk_major ($jdk): target/lib has $(cd "$consumer/target/lib" && echo *.jar)"

# --- 4. The runs ---------------------------------------------------------------------------------

sep=:
case $(uname -s) in MINGW*|MSYS*|CYGWIN*) sep=';' ;; esac
limit=
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 60"
fi

# run NAME WHERE ARGS...: runs java ARGS in ci/consumer; WHERE is the path the program must say it ran on.
run() {
    name=$1 where=$2
    shift 2
    out=$tmp/$name.out
    rc=0
    (cd "$consumer" && $limit "$jdk/bin/java" "$@") >"$out" 2>&1 || rc=$?
    problem=
    if [ "$rc" -ne 0 ]; then
        problem="exit status $rc"
    elif ! result=$(grep '^netloop consumer: backend ' "$out"); then
        problem="no result line"
    elif ! echo "$result" | grep -q " on the $where"; then
        problem="it did not run on the $where"
    elif grep -qiE 'restricted method|enable-native-access|SLF4J\((W|E)\)' "$out"; then
        problem="a native-access or slf4j warning"
    fi
    if [ -n "$problem" ]; then
        echo "--- java $* (in ci/consumer):" >&2
        cat "$out" >&2
        die "$name run: $problem"
    fi
    say "$name: ok: ${result#netloop consumer: }"
}

run "module path" "module path" --enable-native-access=io.netloop.bindings \
    -p "target/lib${sep}target/classes" -m "io.netloop.consumer/$main_class"
run "class path" "class path" --enable-native-access=ALL-UNNAMED \
    -cp "target/lib/*${sep}target/classes" "$main_class"
