#!/usr/bin/env bash
# Builds the single self-contained native-AOT `edgereg` for linux-x64.
#
#   packaging/build-binary.sh [-o DIR]      (default DIR: out, relative to the repository root)
#
# Published on net9.0: this NuGet feed has no net10.0 NativeAOT runtime pack (see README). The build
# fails on any AOT/trim warning except Serilog 3.1.1's single assembly-level IL2104 (the newest Serilog
# in the feed is not trim-annotated; edgereg uses none of its reflection features).
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
    apt-get install -y clang >&2
  else
    echo "build-binary: clang is required to link the native binary (apt-get install clang)" >&2
    exit 1
  fi
fi

# A separate artifacts path keeps the net9.0 restore and intermediates away from the net10.0 ones
# that `dotnet build`/`dotnet test` use in the same checkout.
artifacts="$repo/artifacts/aot"
staging="$artifacts/publish"
log="$artifacts/publish.log"
rm -rf "$staging"
mkdir -p "$artifacts"

set +e
dotnet publish "$repo/src/EdgeRegistry" -c Release -r linux-x64 -p:EdgeTfm=net9.0 \
  --artifacts-path "$artifacts" -o "$staging" -p:ContinuousIntegrationBuild=true 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "build-binary: dotnet publish failed (exit $status); log: $log" >&2
  exit "$status"
fi

# Any warning fails the build, except the one contained Serilog IL2104. MSBuild repeats warnings in its
# summary, so unique lines are counted.
unexpected="$(grep -E ': warning [A-Z]+[0-9]+' "$log" | grep -vE 'warning IL2104: Assembly .Serilog. produced trim warnings' | sort -u || true)"
if [ -n "$unexpected" ]; then
  echo "build-binary: the AOT publish produced warnings (none are allowed from our code):" >&2
  echo "$unexpected" >&2
  exit 1
fi

install -m 0755 "$staging/edgereg" "$out/edgereg"
"$out/edgereg" version >/dev/null
echo "build-binary: $out/edgereg ($(du -h "$out/edgereg" | cut -f1)); debug symbols: $staging/edgereg.dbg"
