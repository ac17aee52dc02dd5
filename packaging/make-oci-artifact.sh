#!/usr/bin/env bash
# make-oci-artifact.sh BINARY VERSION DIR: writes an OCI image layout in DIR holding BINARY as an OCI
# artifact and prints the manifest digest. The manifest follows the OCI 1.1 artifact guidance: artifactType
# application/vnd.edgereg.binary.v1, the empty config, and one layer that is the binary itself, so the
# layer digest is the binary's sha256 (what edgereg-bootstrap.sh fetches from a peer and checks).
# Push it to a node:  skopeo copy --dest-tls-verify=false oci:DIR:VERSION docker://NODE:5000/edgereg/edgereg:VERSION
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 BINARY VERSION DIR" >&2; exit 2; }
binary=$1 version=$2 dir=$3
[ -f "$binary" ] || { echo "$0: BINARY \"$binary\" is not a file" >&2; exit 2; }

sha() { sha256sum "$1" | cut -d' ' -f1; }
rm -rf "$dir"
mkdir -p "$dir/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"

layer=$(sha "$binary")
layer_size=$(stat -c %s "$binary")
cp "$binary" "$dir/blobs/sha256/$layer"

# The OCI empty descriptor's content: the two bytes "{}".
printf '{}' > "$dir/blobs/sha256/44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

manifest_file=$(mktemp)
trap 'rm -f "$manifest_file"' EXIT
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.edgereg.binary.v1","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.edgereg.binary.v1","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.title":"edgereg"}}],"annotations":{"org.opencontainers.image.title":"edgereg","org.opencontainers.image.version":"%s"}}' \
  "$layer" "$layer_size" "$version" > "$manifest_file"
manifest=$(sha "$manifest_file")
manifest_size=$(stat -c %s "$manifest_file")
cp "$manifest_file" "$dir/blobs/sha256/$manifest"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.edgereg.binary.v1","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest" "$manifest_size" "$version" > "$dir/index.json"

echo "sha256:$manifest"
