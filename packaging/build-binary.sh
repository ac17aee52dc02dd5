#!/usr/bin/env bash
# Builds the single self-contained native-AOT `edgereg` for linux-x64.
#
#   packaging/build-binary.sh [-o DIR]      (default DIR: out, relative to the repository root)
#
# Published native-AOT on net10.0, the solution's one target framework. The build fails on any warning.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/out"
while getopts "o:h" opt; do
  case "$opt" in
    o) out="$OPTARG" ;;
    h) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [-o DIR]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { echo "usage: $0 [-o DIR]" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# ILCompiler links with clang. Install it when missing and we may; otherwise say what is needed.
if ! command -v clang >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build-binary: installing clang (needed to link the native binary)" >&2
    # A fresh machine may have no package lists yet: refresh them once when the first try finds nothing.
    DEBIAN_FRONTEND=noninteractive apt-get install -y clang >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y clang >&2; }
  else
    echo "build-binary: clang is required to link the native binary (apt-get install clang)" >&2
    exit 1
  fi
fi

# A separate artifacts path keeps the linux-x64 publish restore and intermediates away from the ones
# that `dotnet build`/`dotnet test` use in the same checkout.
artifacts="$repo/artifacts/aot"
staging="$artifacts/publish"
log="$artifacts/publish.log"
rm -rf "$staging"
mkdir -p "$artifacts"

set +e
dotnet publish "$repo/src/EdgeRegistry" -c Release -r linux-x64 \
  --artifacts-path "$artifacts" -o "$staging" -p:ContinuousIntegrationBuild=true 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "build-binary: dotnet publish failed (exit $status); log: $log" >&2
  exit "$status"
fi

# Any warning fails the build (trim and AOT analysis included). MSBuild repeats warnings in its summary, so
# unique lines are counted.
unexpected="$(grep -E ': warning [A-Z]+[0-9]+' "$log" | sort -u || true)"
if [ -n "$unexpected" ]; then
  echo "build-binary: the AOT publish produced warnings (none are allowed):" >&2
  echo "$unexpected" >&2
  exit 1
fi

install -m 0755 "$staging/edgereg" "$out/edgereg"
"$out/edgereg" version >/dev/null
echo "build-binary: $out/edgereg ($(du -h "$out/edgereg" | cut -f1)); debug symbols: $staging/edgereg.dbg"
