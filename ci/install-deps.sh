#!/usr/bin/env bash
# Installs what netloop's build and tests need on a Debian-like Linux machine, idempotently.
# Required (the script fails when it cannot install them):
#   gcc             : the layout probe compiles a C program against the real system headers
#   maven           : the build
#   nodejs, npm     : .ci/run validates the CI workflow with @action-validator/cli from npm
# Required in CI, installed with apt-get when root; elsewhere only named, because the one test
# that needs them (WindowsLayoutProbeTest) skips with the reason without them:
#   gcc-mingw-w64-x86-64 : x86_64-w64-mingw32-gcc, to compile the Windows layout probe
#   wine, wine64         : to run it (wine64 runs x64 programs; wine32 and i386 multiarch are not needed)
# Optional peers for the chat sample's tests, which skip with a reason when one is missing
# (installed with apt-get when root; otherwise only named, so other systems keep working):
#   netcat-openbsd  : plain-mode users through real `nc`; `nc -U` against Unix-domain listeners
#   socat           : the conformance suite's Unix-domain and UDP interop tests (UNIX-CONNECT, UNIX-LISTEN, ABSTRACT-*, UDP)
#   python3-irc     : IRC-mode users through a real IRC client library, on Debian's /usr/bin/python3
#   python3-prometheus-client : the chat's /metrics parsed by Prometheus' own Python parser
#   ii              : IRC-mode users through ii, a file-based IRC client
#   iperf3          : the benchmarks' loopback streaming ceiling
#   openssl         : the conformance suite's TLS interop tests (s_client and s_server as peers, OpenSSL 3)
#                     and the chat sample's TLS users
#   redis-server    : the samples' Redis client integration tests (a private server per test class on loopback)
# A JDK 22+ must already be installed (the build finds it under /usr/lib/jvm, ~/.jdks, JAVA_HOME, ...).
set -euo pipefail

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v mvn >/dev/null 2>&1 || missing+=(maven)

# The Windows layout probe: cross-compiled, run under Wine. Debian's `wine` is the launcher
# script; `wine64` the 64-bit loader it starts.
# Only on x86_64 hosts: Wine runs x64 programs nowhere else, and there the test skips with the reason.
windows_probe=()
if [ "$(uname -m)" = x86_64 ]; then
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || windows_probe+=(gcc-mingw-w64-x86-64)
  { command -v wine >/dev/null 2>&1 && { command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ]; }; } || windows_probe+=(wine wine64)
fi
# The workflow validator in .ci/run (ci/validate-workflows.sh: @action-validator/cli from npm).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

optional=()
# The tests need the OpenBSD netcat (`nc HOST PORT`, no -q/-N needed); another nc may be on PATH.
if command -v dpkg-query >/dev/null 2>&1; then
  dpkg-query -W -f='${Status}' netcat-openbsd 2>/dev/null | grep -q 'ok installed' || optional+=(netcat-openbsd)
else
  command -v nc >/dev/null 2>&1 || optional+=(netcat-openbsd)
fi
# UnixSocketConformance and UdpConformance run socat as client and server; without it those tests skip with the reason.
command -v socat >/dev/null 2>&1 || optional+=(socat)
# Debian's own python3, not whichever python3 a version manager put first on PATH.
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import irc.client' >/dev/null 2>&1; } || optional+=(python3 python3-irc)
# AdminHttpTest checks the chat's /metrics with prometheus_client's parser; without it that test skips with the reason.
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import prometheus_client.parser' >/dev/null 2>&1; } || optional+=(python3 python3-prometheus-client)
command -v ii >/dev/null 2>&1 || optional+=(ii)
# The benchmarks' streaming ceiling; without it that one row is left out, with a note.
command -v iperf3 >/dev/null 2>&1 || optional+=(iperf3)
# TlsInteropConformance runs `openssl s_client` and `s_server`; without it those tests skip with the reason.
command -v openssl >/dev/null 2>&1 || optional+=(openssl)
# The Redis client's integration tests start their own redis-server; without it they skip with the reason.
command -v redis-server >/dev/null 2>&1 || optional+=(redis-server)

can_apt=false
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  can_apt=true
fi

if [ ${#missing[@]} -gt 0 ] && [ "$can_apt" = false ]; then
  echo "ci/install-deps.sh: please install: ${missing[*]}" >&2
  exit 1
fi
if [ ${#windows_probe[@]} -gt 0 ] && [ "$can_apt" = false ]; then
  echo "ci/install-deps.sh: required in CI for the Windows layout probe (the test skips without them): ${windows_probe[*]}" >&2
  windows_probe=()
fi
if [ ${#optional[@]} -gt 0 ] && [ "$can_apt" = false ]; then
  echo "ci/install-deps.sh: optional, for the chat sample's tests, the TLS and Unix-domain interop tests and the Redis client's tests (they skip without them): ${optional[*]}" >&2
  optional=()
fi

# ${a[@]+"${a[@]}"}: an empty array under set -u, also on bash 3.2 (macOS).
wanted=(${missing[@]+"${missing[@]}"} ${windows_probe[@]+"${windows_probe[@]}"} ${optional[@]+"${optional[@]}"})
if [ ${#wanted[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
fi
