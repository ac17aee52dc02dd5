#!/usr/bin/env bash
# The benchmark of issue 6: edgereg vs CNCF Distribution 2.8.2 vs nginx (sendfile), on loopback, one run.
#
#   tests/bench/run.sh [--edgereg BINARY] [--seconds N] [--results FILE] [--keep]
#                      [--no-peer | --only-peer] [--converge-gib N] [--rows GROUPS]
#                      [--only-startup [--starts N] [--baseline BINARY]]
#                      [--scale [--scale-sizes N,N,...] [--scale-fs scratch|journaled]] [--only-gc [--gc-blobs N] [--gc-manifests M]] [--only-cache [--uplink-rate R]]
#                      [--only-scrub [--scrub-mib N] [--scrub-rate-mib R]] [--only-soak [--soak-seconds N]]
#
#   --edgereg BINARY  the published AOT edgereg to measure (default: build one into a private directory
#                     with packaging/build-binary.sh)
#   --seconds N       length of every load run (default 5, at most 60)
#   --results FILE    also write the markdown results there (e.g. tests/bench/RESULTS.md)
#   --keep            keep the scratch directory (configs, stores, raw client outputs)
#   --no-peer         skip the replication rows (three edgereg members on 127.0.0.1/.2/.3)
#   --only-peer       run only the replication rows
#   --converge-gib N  GiB a wiped member re-converges in the replication rows (default 1)
#   --rows GROUPS     only these single-node row groups, comma-separated, from manifest,head,blob,skopeo,
#                     upload,bigupload,startup (default all; e.g. --rows upload,bigupload --no-peer)
#   --import-gib N    also run the import row (tests/bench/import-rate.sh): import of an N GiB oc-mirror v2
#                     archive vs tar -x + sha256sum of it, same disk, one run
#   --only-startup    run only the exec -> /v2/ 200 row (edgereg and Distribution, populated stores)
#   --starts N        --only-startup: start rounds, each server once per round (default 5, at most 200)
#   --baseline BINARY --only-startup: another edgereg started in the same rounds (A/B, e.g. main's build)
#   --scale           run only the scale rows (issue 12): stores written in Distribution's layout, per size
#                     start-up, idle RSS stand-alone/clustered, manifest GET p99, status and scrape times, a
#                     wiped peer's rehydration against the disk's durable small-file rate, both nodes' RSS peaks
#   --scale-sizes N,..  --scale: store sizes in objects (default 10000,100000; 300000 is opt-in, ~15 min)
#   --scale-fs FS     --scale: where the stores and probes live: scratch (default: the scratch directory's file
#                     system) or journaled (a loop-mounted ext4 image with a journal, made per size in the scratch
#                     directory, unmounted and removed on exit, error or signal)
#   --only-gc         run only the garbage-collection row: a synthetic store collected online by the agent
#                     (time, peak RSS, manifest GET p99 during GC vs idle); --gc-blobs N (default 100000) and
#                     --gc-manifests M (default 10000) size the store
#   --only-cache      run only the pull-through cache rows (issue 15): first pull through a cold cache vs direct
#                     from the upstream (Distribution) on loopback and behind a shaped uplink (its own network
#                     namespace, a veth through tc tbf), and uplink bytes of a cold three-node pull ÷ image size
#   --uplink-rate R   the shaped uplink's rate for the cache rows, e.g. 200mbit (default; 1-10000 mbit)
#   --only-scrub      run only the scrub row: a synthetic store of 16 MiB blobs scrubbed by the agent (its rate
#                     idle and while a client pulls, pull throughput idle vs during the scrub); --scrub-mib N
#                     (default 1024) sizes the store, --scrub-rate-mib R (default 64) is the agent's --scrub-rate
#   --only-soak       run only the bounded soak (issue 16): three members on 127.0.0.1/.2/.3 under mixed pushes,
#                     pulls, tag moves, deletes and online GC, one member SIGKILLed and restarted every 10-25 s; then
#                     a bounded wait until the three inventories are identical and the corruption checks;
#                     --soak-seconds N (default 180, 30-3600) is the length of the load
# Installs wrk, hey, nginx and docker-registry with apt-get when missing. Binds 127.0.0.1-3 only (and, for the
# cache rows' shaped uplink, 10.153.15.1-2 on a veth into a network namespace of its own, removed on exit); every
# server it starts is stopped on exit, error or signal.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
edgereg=""
pass=()
import_gib=""
while [ $# -gt 0 ]; do
  case "$1" in
    --edgereg) edgereg="$2"; shift 2 ;;
    --seconds|--results|--converge-gib|--starts|--rows|--scale-sizes|--scale-fs|--gc-blobs|--gc-manifests|--scrub-mib|--scrub-rate-mib|--uplink-rate|--soak-seconds) pass+=("$1" "$2"); shift 2 ;;
    --baseline) [ -x "$2" ] || { echo "run.sh: --baseline '$2' is not executable" >&2; exit 2; }
                pass+=("$1" "$(readlink -f "$2")"); shift 2 ;;
    --import-gib) import_gib="$2"; shift 2 ;;
    --keep|--no-peer|--only-peer|--only-startup|--scale|--only-gc|--only-cache|--only-scrub|--only-soak) pass+=("$1"); shift ;;
    -h|--help) sed -n "2,$(awk 'NR > 1 && !/^#/ { print NR - 1; exit }' "${BASH_SOURCE[0]}")p" "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v hey >/dev/null || missing+=(hey)
command -v nginx >/dev/null || missing+=(nginx-light)
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "run.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # Debian starts these services where systemd runs; the benchmark runs its own instances only
  if [ -d /run/systemd/system ]; then systemctl disable --now docker-registry.service nginx.service 2>/dev/null || true; fi
fi

bindir=""
# The harness stops its servers itself (SIGTERM unwinds its finally); this trap covers run.sh being
# interrupted while the harness runs.
harness=""
stop_harness() {
  if [ -n "$harness" ] && kill -0 "$harness" 2>/dev/null; then kill -TERM "$harness"; wait "$harness" || true; fi
  if [ -n "$bindir" ]; then rm -rf "$bindir"; fi
}
trap stop_harness EXIT
trap 'exit 143' INT TERM
if [ -z "$edgereg" ]; then
  bindir="$(mktemp -d /tmp/edgereg-bench-bin.XXXXXX)"
  bash "$repo/packaging/build-binary.sh" -o "$bindir" >&2
  edgereg="$bindir/edgereg"
fi
[ -x "$edgereg" ] || { echo "run.sh: '$edgereg' is not an executable edgereg binary" >&2; exit 2; }

PYTHONDONTWRITEBYTECODE=1 python3 "$here/harness/bench.py" --edgereg "$(readlink -f "$edgereg")" "${pass[@]}" &
harness=$!
wait "$harness"
if [ -n "$import_gib" ]; then bash "$here/import-rate.sh" --edgereg "$(readlink -f "$edgereg")" --gib "$import_gib"; fi
