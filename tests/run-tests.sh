#!/usr/bin/env bash
# Runs the whole test suite: unit, API, host and end-to-end tiers.
#
# Meant for a fresh Debian 12 with the .NET 10 SDK, run as root (CI does this through .ci/run):
#   1. installs the missing Debian packages the tests drive (skopeo, docker-registry, podman, ...);
#   2. publishes the native-AOT `edgereg` binary (packaging/build-binary.sh) into out/;
#   3. exports EDGEREG_BINARY for the end-to-end tier and runs `dotnet test EdgeRegistry.sln -c Release`.
# Exits non-zero on any failure.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { printf '==> %s\n' "$*" >&2; }

# package -> a file it installs, so the check needs no dpkg database queries for already-present tools.
declare -A package_files=(
  [skopeo]=/usr/bin/skopeo
  [docker-registry]=/usr/bin/docker-registry
  [podman]=/usr/bin/podman
  [clang]=/usr/bin/clang
  [curl]=/usr/bin/curl
  [iproute2]=/usr/sbin/ip
  [dbus]=/usr/bin/dbus-daemon
  [ignition]=/usr/bin/ignition-validate
  [rpm]=/usr/bin/rpmbuild
  [nginx]=/usr/sbin/nginx
  [wrk]=/usr/bin/wrk
  [hey]=/usr/bin/hey
  [systemd]=/usr/bin/systemd-analyze
  [python3-yaml]=/usr/lib/python3/dist-packages/yaml/__init__.py
  [apache2-utils]=/usr/bin/htpasswd
  [openssl]=/usr/bin/openssl
  [e2fsprogs]=/usr/sbin/mkfs.ext4
)

install_missing_packages() {
  local missing=()
  local package
  for package in "${!package_files[@]}"; do
    [[ -e "${package_files[$package]}" ]] || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  if ((EUID != 0)); then
    log "missing packages (${missing[*]}) and not root: install them with apt-get, or run as root"
    exit 1
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y "${missing[@]}"; then
    log "install failed; refreshing package lists and retrying"
    apt-get update
    apt-get install -y "${missing[@]}"
  fi
}

build_binary() {
  # A binary left over from an earlier run must never be what gets tested.
  rm -f out/edgereg
  log "building the native-AOT binary with packaging/build-binary.sh"
  bash packaging/build-binary.sh
  if [[ ! -x out/edgereg ]]; then
    log "the build did not produce out/edgereg"
    exit 1
  fi
}

install_missing_packages
build_binary
export EDGEREG_BINARY="$repo_root/out/edgereg"

log "running dotnet test EdgeRegistry.sln -c Release (EDGEREG_BINARY=$EDGEREG_BINARY)"
# A hang anywhere must not eat CI's budget: tests bound their own waits, this bounds the whole run.
# The console output is kept so that, on failure, the end of the log (all CI shows) names every failed test
# with its message instead of the last project's passing lines.
mkdir -p out
test_log="out/test-output.log"
status=0
timeout --kill-after=60s 25m dotnet test EdgeRegistry.sln -c Release --logger "console;verbosity=normal" 2>&1 \
  | tee "$test_log" || status=$?
if ((status != 0)); then
  log "tests failed (exit $status); the failures, repeated from $test_log:"
  # A failure block starts at "  Failed <test>" and runs until the next test's result line; cap each block.
  awk '/^ *Failed [A-Za-z_]/ { inblock = 1; lines = 0 }
       /^ *(Passed|Skipped) [A-Za-z_]/ { inblock = 0 }
       inblock && lines < 40 { print; lines++ }' "$test_log" >&2
  grep -E '^(Failed!|Passed!)|Total tests|Failed:|error ' "$test_log" | tail -n 40 >&2 || true
  exit "$status"
fi
