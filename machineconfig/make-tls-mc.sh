#!/bin/sh
# make-tls-mc.sh [options] ROLE OUTDIR NODE...: TLS for edgereg, delivered by its own MachineConfig.
#
# Writes into OUTDIR (created, mode 0700):
#   tls.crt, tls.key   the serving certificate and key: one pair for every node of the pool (a MachineConfig is
#                      per pool, not per node), with SANs for localhost, 127.0.0.1, ::1 and each NODE given
#   ca.crt             the CA that signed it; ca.key too when this script generated the CA (keep it offline: renewals)
#   52-ROLE-edgereg-tls.yaml
#                      the MachineConfig: /etc/edgereg/tls/{tls.crt,ca.crt} (0644), /etc/edgereg/tls/tls.key (0600),
#                      /etc/edgereg/tls.env (which switches edgereg.service to TLS) and the CA as a system trust
#                      anchor (so peers verify each other)
#   edgereg-registry-ca.yaml
#                      the ConfigMap for image.config.openshift.io/cluster spec.additionalTrustedCA: the CA under
#                      one key per registry host, host..port (localhost..5000, master-0..5000, 10.0.0.11..5000)
#
#   machineconfig/make-tls-mc.sh master ~/cluster-a/tls master-0 master-1 master-2 10.0.0.11 10.0.0.12 10.0.0.13
#
# NODE: every name and address clients and peers use for a node (host names and IPv4/IPv6 addresses).
# Options:
#   --ca-cert FILE --ca-key FILE   sign with this CA instead of generating one (renewal: the same CA again)
#   --cert FILE --key FILE --ca-cert FILE
#                                  take an existing serving pair as it is (its SANs are the issuer's business)
#   --days N                       validity of a generated serving certificate (default 365)
#   --port N                       the port clients use (default 5000), for the trust keys
# The output contains the serving key (and a generated CA key): keep it out of git.
set -eu

usage() {
  echo "usage: $0 [--ca-cert FILE --ca-key FILE | --cert FILE --key FILE --ca-cert FILE] [--days N] [--port N] ROLE OUTDIR NODE..." >&2
  exit 2
}
fail() { echo "$0: $*" >&2; exit 2; }

ca_cert='' ca_key='' cert='' key='' days=365 port=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --ca-cert) [ $# -ge 2 ] || usage; ca_cert=$2; shift 2 ;;
    --ca-key) [ $# -ge 2 ] || usage; ca_key=$2; shift 2 ;;
    --cert) [ $# -ge 2 ] || usage; cert=$2; shift 2 ;;
    --key) [ $# -ge 2 ] || usage; key=$2; shift 2 ;;
    --days) [ $# -ge 2 ] || usage; days=$2; shift 2 ;;
    --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
    --) shift; break ;;
    -*) fail "unknown option \"$1\"" ;;
    *) break ;;
  esac
done
[ $# -ge 3 ] || usage
role=$1 outdir=$2
shift 2

case "$role" in
  *[!a-z0-9-]*|'') fail "ROLE \"$role\": expected a pool name such as master or worker" ;;
esac
case "$days" in *[!0-9]*|'') fail "--days \"$days\": expected a number of days" ;; esac
case "$port" in *[!0-9]*|'') fail "--port \"$port\": expected a port number" ;; esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "--port \"$port\": expected a port from 1 to 65535"
for file in "$ca_cert" "$ca_key" "$cert" "$key"; do
  [ -z "$file" ] || [ -r "$file" ] || fail "\"$file\": not a readable file"
done
if [ -n "$cert$key" ]; then
  [ -n "$cert" ] && [ -n "$key" ] && [ -n "$ca_cert" ] || fail "--cert and --key go together, with the --ca-cert that signed them"
  [ -z "$ca_key" ] || fail "--ca-key is for signing a new certificate; with --cert and --key nothing is signed"
elif [ -n "$ca_cert$ca_key" ]; then
  [ -n "$ca_cert" ] && [ -n "$ca_key" ] || fail "--ca-cert and --ca-key go together to sign a new certificate"
fi
command -v openssl >/dev/null || fail "openssl is needed (apt-get install openssl / dnf install openssl)"

# SANs and trust keys. A NODE with a ':' is an IPv6 address, one of digits and dots an IPv4 address, else a name.
sans='DNS:localhost,IP:127.0.0.1,IP:::1'
keys="localhost"
for node in "$@"; do
  case "$node" in
    *:*)
      case "$node" in *[!0-9a-fA-F:.]*) fail "NODE \"$node\": not an IPv6 address or host name" ;; esac
      sans="$sans,IP:$node" ;;
    *[!0-9.]*)
      case "$node" in *[!a-zA-Z0-9.-]*|.*|-*) fail "NODE \"$node\": not a host name or address" ;; esac
      sans="$sans,DNS:$node"; keys="$keys $node" ;;
    *)
      sans="$sans,IP:$node"; keys="$keys $node" ;;
  esac
done

umask 077
mkdir -p "$outdir"
chmod 0700 "$outdir"

if [ -n "$cert" ]; then
  cp "$cert" "$outdir/tls.crt"; cp "$key" "$outdir/tls.key"; cp "$ca_cert" "$outdir/ca.crt"
else
  if [ -z "$ca_cert" ]; then
    openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 3650 -subj "/CN=edgereg registry CA" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
      -keyout "$outdir/ca.key" -out "$outdir/ca.crt" 2>/dev/null || fail "openssl could not generate the CA"
    ca_cert="$outdir/ca.crt" ca_key="$outdir/ca.key"
  elif [ "$ca_cert" != "$outdir/ca.crt" ]; then
    cp "$ca_cert" "$outdir/ca.crt"
  fi
  printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    "$sans" > "$outdir/tls.ext"
  openssl req -newkey rsa:3072 -nodes -sha256 -subj "/CN=edgereg" -keyout "$outdir/tls.key.new" -out "$outdir/tls.csr" 2>/dev/null \
    || fail "openssl could not generate the serving key"
  openssl x509 -req -sha256 -days "$days" -in "$outdir/tls.csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial \
    -CAserial "$outdir/ca.srl" -extfile "$outdir/tls.ext" -out "$outdir/tls.crt.new" 2>/dev/null \
    || fail "openssl could not sign the serving certificate with \"$ca_cert\" (is \"$ca_key\" its key?)"
  mv "$outdir/tls.key.new" "$outdir/tls.key"; mv "$outdir/tls.crt.new" "$outdir/tls.crt"
  rm -f "$outdir/tls.csr" "$outdir/tls.ext"
fi

# The pair must belong together and chain to the CA, or every client would refuse the node after the reboot.
openssl verify -CAfile "$outdir/ca.crt" "$outdir/tls.crt" >/dev/null 2>&1 || fail "the serving certificate does not chain to the CA"
[ "$(openssl x509 -in "$outdir/tls.crt" -noout -pubkey)" = "$(openssl pkey -in "$outdir/tls.key" -pubout)" ] \
  || fail "the serving key does not belong to the serving certificate"

b64() { base64 -w0 < "$1"; }
file_entry() { # path mode(decimal) data-url
  printf '        - contents:\n            source: %s\n          mode: %s\n          overwrite: true\n          path: %s\n' "$3" "$2" "$1"
}
env_contents=$(printf 'EDGEREG_TLS_CERT=/etc/edgereg/tls/tls.crt\nEDGEREG_TLS_KEY=/etc/edgereg/tls/tls.key\n' | base64 -w0)
{
  echo "# Generated by machineconfig/make-tls-mc.sh; contains the edgereg serving key: do not commit."
  echo "apiVersion: machineconfiguration.openshift.io/v1"
  echo "kind: MachineConfig"
  echo "metadata:"
  echo "  labels:"
  echo "    machineconfiguration.openshift.io/role: $role"
  echo "  name: 52-$role-edgereg-tls"
  echo "spec:"
  echo "  config:"
  echo "    ignition:"
  echo "      version: 3.2.0"
  echo "    storage:"
  echo "      files:"
  file_entry /etc/edgereg/tls/tls.crt 420 "data:;base64,$(b64 "$outdir/tls.crt")"
  file_entry /etc/edgereg/tls/tls.key 384 "data:;base64,$(b64 "$outdir/tls.key")"
  file_entry /etc/edgereg/tls/ca.crt 420 "data:;base64,$(b64 "$outdir/ca.crt")"
  file_entry /etc/edgereg/tls.env 420 "data:;base64,$env_contents"
  file_entry /etc/pki/ca-trust/source/anchors/edgereg-registry-ca.crt 420 "data:;base64,$(b64 "$outdir/ca.crt")"
} > "$outdir/52-$role-edgereg-tls.yaml"

{
  echo "# Generated by machineconfig/make-tls-mc.sh: the CA CRI-O trusts for each edgereg host (no secret here)."
  echo "# oc apply -f edgereg-registry-ca.yaml"
  echo "# oc patch image.config.openshift.io/cluster --type=merge -p '{\"spec\":{\"additionalTrustedCA\":{\"name\":\"edgereg-registry-ca\"}}}'"
  echo "apiVersion: v1"
  echo "kind: ConfigMap"
  echo "metadata:"
  echo "  name: edgereg-registry-ca"
  echo "  namespace: openshift-config"
  echo "data:"
  for host in $keys; do
    echo "  $host..$port: |"
    sed 's/^/    /' "$outdir/ca.crt"
  done
} > "$outdir/edgereg-registry-ca.yaml"
chmod 0644 "$outdir/edgereg-registry-ca.yaml" "$outdir/ca.crt"

echo "wrote $outdir: 52-$role-edgereg-tls.yaml (serving key: keep it secret), edgereg-registry-ca.yaml, tls.crt, tls.key, ca.crt$([ -f "$outdir/ca.key" ] && echo ", ca.key (keep it offline)")" >&2
echo "serving certificate for: $sans; valid until $(openssl x509 -in "$outdir/tls.crt" -noout -enddate | cut -d= -f2)" >&2
