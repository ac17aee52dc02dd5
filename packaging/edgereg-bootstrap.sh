#!/bin/sh
# edgereg-bootstrap: make sure this node runs the pinned edgereg binary before edgereg.service starts.
#
# Run by edgereg-bootstrap.service (Type=oneshot, Before=edgereg.service). When the binary is missing or its
# sha256 is not the pinned EDGEREG_BINARY_DIGEST (from /etc/edgereg/bootstrap.env, laid down by the
# MachineConfig), it fetches the binary from a peer's edgereg: the binary is stored there as the single layer
# of the OCI artifact edgereg/edgereg:<version> (packaging/build-release.sh), so its blob digest is the
# binary's sha256. Peers come from "members" in /etc/edgereg/config.json and are tried in turn; bytes whose
# sha256 differs from the pin are refused. It always exits 0: a node whose peers cannot help must still boot
# (edgereg.service then fails its ExecStartPre check with a clear message and keeps retrying, and each retry
# runs this script again).
#
# Overridable for tests and manual runs: EDGEREG_BOOTSTRAP_TARGET (default /usr/local/bin/edgereg),
# EDGEREG_BOOTSTRAP_CONFIG (default /etc/edgereg/config.json), EDGEREG_BINARY_REPOSITORY (default
# edgereg/edgereg), EDGEREG_PEER_SCHEME (http or https; with https the peer certificate is not checked,
# because the content is verified against the pinned digest anyway).
set -u

target=${EDGEREG_BOOTSTRAP_TARGET:-/usr/local/bin/edgereg}
config=${EDGEREG_BOOTSTRAP_CONFIG:-/etc/edgereg/config.json}
repository=${EDGEREG_BINARY_REPOSITORY:-edgereg/edgereg}
scheme=${EDGEREG_PEER_SCHEME:-http}
digest=${EDGEREG_BINARY_DIGEST:-}

log() { echo "edgereg-bootstrap: $*" >&2; }

if [ -z "$digest" ]; then
  log "no pinned binary digest (EDGEREG_BINARY_DIGEST in /etc/edgereg/bootstrap.env is empty); not checking $target"
  exit 0
fi

case "$digest" in
  sha256:*) expected=${digest#sha256:} ;;
  *) log "EDGEREG_BINARY_DIGEST \"$digest\" is not sha256:<64 hex digits>; not checking $target"; exit 0 ;;
esac
if [ "${#expected}" -ne 64 ] || [ -n "$(printf '%s' "$expected" | tr -d '0-9a-f')" ]; then
  log "EDGEREG_BINARY_DIGEST \"$digest\" is not sha256:<64 hex digits>; not checking $target"
  exit 0
fi

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$target" ]; then
  actual=$(sha256_of "$target")
  if [ "$actual" = "$expected" ]; then
    exit 0
  fi
  log "$target has sha256:$actual, not the pinned $digest; replacing it from a peer"
else
  log "$target is missing; fetching the pinned $digest from a peer"
fi

# config.json is written by generate.py / Butane with "members" as one JSON array of "HOST:PORT" strings.
members=$(tr -d ' \t\r\n' < "$config" 2>/dev/null | sed -n 's/.*"members":\[\([^]]*\)\].*/\1/p' | tr ',' '\n' | tr -d '"')
if [ -z "$members" ]; then
  log "no members in $config to fetch from; install $target by hand (see machineconfig/README.md)"
  exit 0
fi

directory=$(dirname "$target")
mkdir -p "$directory" || { log "cannot create $directory"; exit 0; }
for member in $members; do
  partial=$(mktemp "$directory/.edgereg-bootstrap.XXXXXX") || { log "cannot create a temporary file in $directory"; exit 0; }
  url="$scheme://$member/v2/$repository/blobs/$digest"
  if ! curl --fail --silent --show-error --insecure --connect-timeout 3 --max-time 300 --output "$partial" "$url"; then
    log "peer $member: cannot fetch $url"
    rm -f "$partial"
    continue
  fi
  fetched=$(sha256_of "$partial")
  if [ "$fetched" != "$expected" ]; then
    log "peer $member: served content with sha256:$fetched, not the pinned $digest; refused"
    rm -f "$partial"
    continue
  fi
  # Same directory, so the rename is atomic: edgereg.service never sees a half-written binary.
  if chmod 0755 "$partial" && mv -f "$partial" "$target"; then
    log "installed $target ($digest) from peer $member"
    exit 0
  fi
  log "cannot install $target"
  rm -f "$partial"
  exit 0
done

log "no peer had $digest ($members); edgereg.service will report the missing binary and retry"
exit 0
